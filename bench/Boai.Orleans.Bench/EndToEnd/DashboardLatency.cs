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
            for (var i = 0; i < options.Watchers; i++)
            {
                watchers.Add(await HubWatcher.StartAsync(new Uri(options.DashboardUrl, "/hubs/dashboard"), operatorToken, VisitPrefix, options.TypedHubClient));
            }

            var warmup = (int)(perSecond * options.Warmup.TotalSeconds);
            var count = Math.Max(1, (int)(perSecond * options.Duration.TotalSeconds));
            var scheduledAt = new long[count];
            var acknowledged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
            var checkInLatency = new ConcurrentBag<double>();
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
                    await checkIns.PairAsync(volunteer, visitId, measured ? () => checkInLatency.Add(LoadRunner.Milliseconds(scheduled, Stopwatch.GetTimestamp())) : null);
                    if (measured)
                    {
                        acknowledged[visitId] = 0;
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
            while (Stopwatch.GetTimestamp() < deadline && !watchers.All(w => acknowledged.Keys.All(w.HasBoth)))
            {
                await Task.Delay(100);
            }

            var latency = new LatencyRecorder();
            long missing = 0;
            foreach (var watcher in watchers)
            {
                foreach (var visitId in acknowledged.Keys)
                {
                    var index = int.Parse(visitId.AsSpan(VisitPrefix.Length), System.Globalization.CultureInfo.InvariantCulture);
                    if (watcher.CheckedIn.TryGetValue(visitId, out var received))
                    {
                        latency.Record(LoadRunner.Milliseconds(scheduledAt[index], received));
                    }
                    else
                    {
                        missing++;
                    }

                    if (!watcher.CheckedOut.ContainsKey(visitId))
                    {
                        missing++;
                    }
                }
            }

            var requestLatency = new LatencyRecorder();
            foreach (var ms in checkInLatency)
            {
                requestLatency.Record(ms);
            }

            return new DashboardResult(
                options.Watchers,
                perSecond,
                acknowledged.Count / elapsed,
                count,
                acknowledged.Count,
                errors,
                options.Warmup.TotalSeconds,
                options.TypedHubClient ? "SignalR .NET client (HubConnection)" : "WebSocket, SignalR JSON protocol",
                latency.Summarize(),
                requestLatency.Summarize(),
                missing,
                watchers.Sum(w => w.Duplicates),
                missing == 0 && !acknowledged.IsEmpty,
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
