using System.Collections.Immutable;
using System.Text.Json;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Live;
using Microsoft.AspNetCore.SignalR;

namespace Boai.Orleans.Dashboard.Live;

/// <summary>
/// This host's end of the live events (GPSTracker's RemoteLocationHub): the cluster sends each batch once per host,
/// and the host sends each event to the SignalR group of its district, in the batch's order (and an event for given
/// volunteers, such as an order offered to them, to each one's own group).
/// </summary>
public sealed partial class DashboardHostObserver(IHubContext<DashboardHub> hub, ILogger<DashboardHostObserver> logger) : IDashboardHostObserver
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    public async Task OnEvents(ImmutableArray<LiveEvent> events)
    {
        foreach (var evt in events)
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
                LogSendFailed(logger, ex, evt.Kind, evt.DistrictId);
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
