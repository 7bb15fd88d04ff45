using Boai.Orleans.Live;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Live;

/// <summary>
/// Registers this host's <see cref="DashboardHostObserver"/> with the cluster's host registry at startup and again
/// every <see cref="LiveOptions.RegistrationInterval"/>, sooner after a failure, and at once when the client lost a
/// gateway connection (<see cref="ClusterConnectionWatch"/>): the call reconnects this host, so events reach it again,
/// and a registry that lost it (a silo restart) finds it again.
/// </summary>
public sealed partial class LiveHostRegistration(
    IGrainFactory grains,
    DashboardHostObserver observer,
    ClusterConnectionWatch connection,
    IOptions<LiveOptions> options,
    TimeProvider time,
    ILogger<LiveHostRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<IDashboardHostObserver>(observer);
        var registry = grains.GetGrain<IDashboardHostRegistryGrain>(0);
        var failing = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var lost = connection.NextLossAsync();
                TimeSpan wait;
                try
                {
                    await registry.Register(reference).WaitAsync(CallTimeout, stoppingToken);
                    if (failing)
                    {
                        LogRegisteredAgain(logger);
                    }

                    failing = false;
                    wait = options.Value.RegistrationInterval;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRegistrationFailed(logger, ex);
                    failing = true;
                    wait = options.Value.RetryInterval;
                }

                await Task.WhenAny(Task.Delay(wait, time, stoppingToken), lost);
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            try
            {
                await registry.Unregister(reference).WaitAsync(CallTimeout, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The registry forgets silent hosts anyway.
                LogUnregisterFailed(logger, ex);
            }

            grains.DeleteObjectReference<IDashboardHostObserver>(reference);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Registering for live events failed; retrying soon.")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Registered for live events again.")]
    private static partial void LogRegisteredAgain(ILogger logger);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Unregistering from live events failed.")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
