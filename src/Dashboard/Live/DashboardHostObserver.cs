using System.Text.Json;
using System.Threading.Channels;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Live;
using Microsoft.AspNetCore.SignalR;

namespace Boai.Orleans.Dashboard.Live;

/// <summary>
/// This host's end of the live events (GPSTracker's RemoteLocationHub): the cluster sends each batch once per host,
/// and the host sends each event to the SignalR group of its district, in the batch's order (and an event for given
/// volunteers, such as an order offered to them, to each one's own group).
/// </summary>
public sealed partial class DashboardHostObserver : IDashboardHostObserver, IDisposable
{
    private static readonly JsonSerializerOptions Json = CreateJson();
    private readonly IHubContext<DashboardHub> _hub;
    private readonly ILogger<DashboardHostObserver> _logger;
    private readonly LiveBatchOrder _order;

    // Each silo sends its batches one call at a time; they are checked for order, then sent by one loop, one event after
    // another, so the call answers at once and the silo's next batch is not held up by SignalR.
    private readonly Channel<LiveEvent> _ordered = Channel.CreateUnbounded<LiveEvent>(new() { SingleReader = true });

    public DashboardHostObserver(IHubContext<DashboardHub> hub, ILogger<DashboardHostObserver> logger, TimeProvider time)
    {
        _hub = hub;
        _logger = logger;
        _order = new LiveBatchOrder(time, events =>
        {
            foreach (var evt in events)
            {
                _ordered.Writer.TryWrite(evt);
            }
        });
        _ = Task.Run(SendLoopAsync);
    }

    public Task OnEvents(LiveBatch batch)
    {
        _order.Accept(batch);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _order.Dispose();
        _ordered.Writer.TryComplete();
    }

    private async Task SendLoopAsync()
    {
        var hub = _hub;
        await foreach (var evt in _ordered.Reader.ReadAllAsync())
        {
            try
            {
                // The concrete record, as one JSON object whatever the declared type.
                var payload = JsonSerializer.SerializeToElement(evt, evt.GetType(), Json);
                if (evt is IVolunteerLiveEvent { Volunteers.Count: > 0 } personal)
                {
                    await hub.Clients.Groups(personal.Volunteers.Select(DashboardHub.VolunteerGroupOf).ToList()).SendAsync(evt.Kind, payload);
                }

                if (evt is IVolunteerLiveEvent { AlsoToDistrict: false })
                {
                    continue;
                }

                await hub.Clients.Group(DashboardHub.GroupOf(evt.DistrictId)).SendAsync(evt.Kind, payload);
            }
            catch (Exception ex)
            {
                LogSendFailed(_logger, ex, evt.Kind, evt.DistrictId);
            }
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        return options;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Sending live event {Kind} of district {DistrictId} failed.")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string kind, string districtId);
}
