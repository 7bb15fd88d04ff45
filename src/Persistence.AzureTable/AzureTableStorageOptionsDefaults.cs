using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>
/// Fills what the caller left unset (serializer, operation timeout) and bounds the Azure SDK's retries by
/// Orleans' response timeout.
/// </summary>
internal sealed class AzureTableStorageOptionsDefaults(IServiceProvider services, IOptions<SiloMessagingOptions> messaging)
    : IPostConfigureOptions<AzureTableStorageOptions>
{
    // Orleans times a grain call out after ResponseTimeout; the storage call inside it must end first.
    private const double ShareOfResponseTimeout = 0.9;
    private const int MaxRetries = 3;

    public void PostConfigure(string? name, AzureTableStorageOptions options)
    {
        options.GrainStorageSerializer ??= ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(services);

        var ceiling = messaging.Value.ResponseTimeout * ShareOfResponseTimeout;
        options.OperationTimeout = options.OperationTimeout is { } configured && configured < ceiling ? configured : ceiling;
        options.ClientOptions ??= new();
        FitRetriesWithin(options.ClientOptions.Retry, options.OperationTimeout.Value);
    }

    /// <summary>
    /// Bounds the SDK's retry policy so that every attempt and every back-off together fit in
    /// <paramref name="budget"/>: (retries + 1) × network timeout + retries × max delay ≤ budget.
    /// </summary>
    internal static void FitRetriesWithin(RetryOptions retry, TimeSpan budget)
    {
        retry.MaxRetries = Math.Clamp(retry.MaxRetries, 0, MaxRetries);
        retry.MaxDelay = Min(retry.MaxDelay, budget / 10);
        retry.Delay = Min(retry.Delay, retry.MaxDelay);
        var perAttempt = (budget - (retry.MaxDelay * retry.MaxRetries)) / (retry.MaxRetries + 1);
        retry.NetworkTimeout = Min(retry.NetworkTimeout, perAttempt);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
