using System.Collections.Concurrent;
using System.Diagnostics;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>What the watchers saw of an open-loop run.</summary>
public sealed record DashboardResult(
    int Watchers,
    double TargetPerSecond,
    double AchievedPerSecond,
    int Scheduled,
    int Acknowledged,
    long Errors,
    double WarmupSeconds,
    string Client,
    LatencySummary EventLatency,
    LatencySummary CheckInLatency,
    long MissingEvents,
    long DuplicateEvents,
    bool EveryClientGotEveryEvent,
    long Pairs = 0,
    bool RateGiven = false);

/// <summary>
/// D SignalR clients watch every district (an operator's <c>WatchAll</c>) while check-ins start at a constant rate
/// (open loop). An event's latency is from the check-in's scheduled send time to its receipt by a watcher. The first
/// <see cref="HostedRunOptions.Warmup"/> of check-ins runs at the same rate and is not measured, as the closed-loop
/// phases' warm-up is not: the hosts and the load client compile the phase's code paths then.
/// </summary>
public sealed class DashboardLatency(CheckIns checkIns, BenchOptions options)
{
    private const string VisitPrefix = "bd-";
    private const string WarmupPrefix = "bw-";

    public async Task<DashboardResult> RunAsync(string operatorToken, double perSecond)
    {
        var watchers = new List<HubWatcher>();
        try
        {
            var warmup = (int)(perSecond * options.Warmup.TotalSeconds);
            var count = Math.Max(1, (int)(perSecond * options.Duration.TotalSeconds));
            for (var i = 0; i < options.Watchers; i++)
            {
                watchers.Add(await HubWatcher.StartAsync(new Uri(options.DashboardUrl, "/hubs/dashboard"), operatorToken, VisitPrefix, count, options.TypedHubClient));
            }

            var scheduledAt = new long[count];
            // Which measured visits were acknowledged (index i for visit bd-i): set once each, read after the run.
            var acknowledged = new bool[count];
            // Each measured check-in's own latency (NaN until answered), by visit index like the receipts.
            var checkInLatency = new double[count];
            Array.Fill(checkInLatency, double.NaN);
            var free = new ConcurrentQueue<int>(Enumerable.Range(0, checkIns.Volunteers.Count));
            long errors = 0;
            long started = 0;
            await LoadRunner.OpenLoopAsync(perSecond, warmup + count, async (n, scheduled) =>
            {
                var measured = n >= warmup;
                var i = n - warmup;
                if (measured)
                {
                    scheduledAt[i] = scheduled;
                }

                if (!free.TryDequeue(out var volunteer))
                {
                    if (measured)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    return;
                }

                Interlocked.Increment(ref started);
                var visitId = measured ? VisitPrefix + i : WarmupPrefix + n;
                try
                {
                    await checkIns.PairAsync(volunteer, visitId, measured ? () => checkInLatency[i] = LoadRunner.Milliseconds(scheduled, Stopwatch.GetTimestamp()) : null);
                    if (measured)
                    {
                        Volatile.Write(ref acknowledged[i], true);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    if (measured)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                finally
                {
                    free.Enqueue(volunteer);
                }
            });

            // From the first measured check-in's scheduled start (every measured one has started by now).
            var elapsed = Stopwatch.GetElapsedTime(scheduledAt[0]).TotalSeconds;

            // Wait (bounded) for the last events to arrive everywhere.
            var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
            var acknowledgedVisits = Enumerable.Range(0, count).Where(i => acknowledged[i]).ToList();
            while (Stopwatch.GetTimestamp() < deadline && !watchers.All(w => acknowledgedVisits.All(w.HasBoth)))
            {
                await Task.Delay(100);
            }

            var latency = new LatencyRecorder();
            long missing = 0;
            foreach (var watcher in watchers)
            {
                foreach (var visit in acknowledgedVisits)
                {
                    if (watcher.TryGetCheckedIn(visit, out var received))
                    {
                        latency.Record(LoadRunner.Milliseconds(scheduledAt[visit], received));
                    }
                    else
                    {
                        missing++;
                    }

                    if (!watcher.HasCheckedOut(visit))
                    {
                        missing++;
                    }
                }
            }

            var requestLatency = new LatencyRecorder();
            foreach (var ms in checkInLatency)
            {
                if (!double.IsNaN(ms))
                {
                    requestLatency.Record(ms);
                }
            }

            return new DashboardResult(
                options.Watchers,
                perSecond,
                acknowledgedVisits.Count / elapsed,
                count,
                acknowledgedVisits.Count,
                errors,
                options.Warmup.TotalSeconds,
                options.TypedHubClient ? "SignalR .NET client (HubConnection)" : "WebSocket, SignalR JSON protocol",
                latency.Summarize(),
                requestLatency.Summarize(),
                missing,
                watchers.Sum(w => w.Duplicates),
                missing == 0 && acknowledgedVisits.Count > 0,
                Interlocked.Read(ref started),
                options.DashboardRate is not null);
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }
}
