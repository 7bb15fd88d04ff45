using System.Collections.Immutable;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Storage;
using Boai.Orleans.Visits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Certification;

/// <summary>
/// Holds the district's pending visits (id and check-in time) in memory only: they are read from the ledger on
/// activation and then follow the ledger's committed events, so the count never runs ahead of what is stored. It is
/// the same question the queue route asks (<see cref="LedgerQueries.PendingInDistrictAsync"/>), with the same window.
/// </summary>
public sealed partial class PendingQueueGrain(
    IVisitLedger ledger,
    TimeProvider time,
    IOptions<PendingQueueOptions> options,
    ILogger<PendingQueueGrain> logger) : Grain, IPendingQueueGrain
{
    private readonly Dictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);
    private readonly PendingQueueOptions _options = options.Value;
    private int _published;
    private ILiveEventPublisherGrain? _publisher;
    private GroupCommit? _publishes;

    private string DistrictId => this.GetPrimaryKeyString();

    /// <summary>
    /// The count goes out at most once per <see cref="PendingQueueOptions.PublishEvery"/>: under load it changes with
    /// every check-out, and each change is a message to every watcher of the district. A change sooner than that after
    /// the last count is held back, and the count as it is then goes out when the interval ends.
    /// </summary>
    private GroupCommit Publishes => _publishes ??= new GroupCommit(PublishIfChangedAsync, _options.PublishEvery, time);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var visit in await ledger.PendingInDistrictAsync(DistrictId, now - _options.PendingWindow, now.AddDays(1), cancellationToken))
        {
            _pending[new VisitKey(visit.Entry.VolunteerId, visit.Entry.VisitId).ToString()] = visit.Entry.CheckedInAt;
        }

        // Watchers read the count with the queue when they open it; from here on they hear of each change.
        _published = CountAt(now);
        this.RegisterGrainTimer(_ => Publishes.CommitLaterAsync(), new GrainTimerCreationOptions(_options.RecountPeriod, _options.RecountPeriod) { KeepAlive = false });
    }

    public Task Apply(IReadOnlyList<LedgerEvent> events)
    {
        foreach (var e in events)
        {
            var v = e.Visit;
            if (v.Finished && v.Status == VisitStatus.CheckedOut)
            {
                _pending[v.Key.ToString()] = v.CheckedInAt;
            }
            else
            {
                _pending.Remove(v.Key.ToString());
            }
        }

        // The ledger's lane does not wait for the count to go out (a failed publish is logged, not thrown).
        _ = Publishes.CommitLaterAsync();
        return Task.CompletedTask;
    }

    public Task<int> Count() => Task.FromResult(CountAt(time.GetUtcNow()));

    /// <summary>The queue route's window: checked in from <see cref="PendingQueueOptions.PendingWindow"/> ago to a day ahead.</summary>
    private int CountAt(DateTimeOffset now)
    {
        var from = now - _options.PendingWindow;
        var to = now.AddDays(1);
        return _pending.Values.Count(at => at >= from && at < to);
    }

    /// <summary>Sends the count when it changed since the last one sent.</summary>
    private async Task PublishIfChangedAsync()
    {
        var now = time.GetUtcNow();
        var count = CountAt(now);
        if (count == _published)
        {
            return;
        }

        _published = count;
        try
        {
            await (_publisher ??= GrainFactory.GetGrain<ILiveEventPublisherGrain>(0)).Publish(ImmutableArray.Create<LiveEvent>(new PendingChangedEvent { DistrictId = DistrictId, Pending = count, At = now }));
        }
        catch (Exception ex)
        {
            // The count is the ledger's; a page that missed the event reads the queue again when it reconnects.
            Log.PublishFailed(logger, ex, DistrictId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Publishing the pending count of district {DistrictId} failed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, string districtId);
    }
}
