using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>What the watchers saw of an open-loop run.</summary>
public sealed record DashboardResult(
    int Watchers,
    double TargetPerSecond,
    double AchievedPerSecond,
    int Scheduled,
    int Acknowledged,
    long Errors,
    LatencySummary EventLatency,
    LatencySummary CheckInLatency,
    long MissingEvents,
    long DuplicateEvents,
    bool EveryClientGotEveryEvent);

/// <summary>
/// D SignalR clients watch every district (an operator's <c>WatchAll</c>) while check-ins start at a constant rate
/// (open loop). An event's latency is from the check-in's scheduled send time to its receipt by a watcher.
/// </summary>
public sealed class DashboardLatency(CheckIns checkIns, BenchOptions options)
{
    private const string VisitPrefix = "bd-";

    public async Task<DashboardResult> RunAsync(string operatorToken, double perSecond)
    {
        var watchers = new List<Watcher>();
        try
        {
            for (var i = 0; i < options.Watchers; i++)
            {
                watchers.Add(await Watcher.StartAsync(new Uri(options.DashboardUrl, "/hubs/dashboard"), operatorToken));
            }

            var count = Math.Max(1, (int)(perSecond * options.Duration.TotalSeconds));
            var scheduledAt = new long[count];
            var acknowledged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
            var checkInLatency = new ConcurrentBag<double>();
            var free = new ConcurrentQueue<int>(Enumerable.Range(0, checkIns.Volunteers.Count));
            long errors = 0;
            var started = Stopwatch.GetTimestamp();
            await LoadRunner.OpenLoopAsync(perSecond, count, async (i, scheduled) =>
            {
                scheduledAt[i] = scheduled;
                if (!free.TryDequeue(out var volunteer))
                {
                    Interlocked.Increment(ref errors);
                    return;
                }

                var visitId = VisitPrefix + i;
                try
                {
                    await checkIns.PairAsync(volunteer, visitId, () => checkInLatency.Add(LoadRunner.Milliseconds(scheduled, Stopwatch.GetTimestamp())));
                    acknowledged[visitId] = 0;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref errors);
                }
                finally
                {
                    free.Enqueue(volunteer);
                }
            });
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

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
                latency.Summarize(),
                requestLatency.Summarize(),
                missing,
                watchers.Sum(w => w.Duplicates),
                missing == 0 && !acknowledged.IsEmpty);
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    /// <summary>One dashboard: a hub connection that notes when each visit's events arrive.</summary>
    private sealed class Watcher(HubConnection connection) : IAsyncDisposable
    {
        private long _duplicates;

        public ConcurrentDictionary<string, long> CheckedIn { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, long> CheckedOut { get; } = new(StringComparer.Ordinal);

        public long Duplicates => Interlocked.Read(ref _duplicates);

        public bool HasBoth(string visitId) => CheckedIn.ContainsKey(visitId) && CheckedOut.ContainsKey(visitId);

        public static async Task<Watcher> StartAsync(Uri hub, string token)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(hub, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            var watcher = new Watcher(connection);
            connection.On<JsonElement>("visitCheckedIn", e => watcher.Note(watcher.CheckedIn, e));
            connection.On<JsonElement>("visitCheckedOut", e => watcher.Note(watcher.CheckedOut, e));
            await connection.StartAsync();
            await connection.InvokeAsync<IReadOnlyList<string>>("WatchAll");
            return watcher;
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();

        private void Note(ConcurrentDictionary<string, long> seen, JsonElement evt)
        {
            var now = Stopwatch.GetTimestamp();
            if (evt.TryGetProperty("visitId", out var id) && id.GetString() is { } visitId && visitId.StartsWith(VisitPrefix, StringComparison.Ordinal)
                && !seen.TryAdd(visitId, now))
            {
                Interlocked.Increment(ref _duplicates);
            }
        }
    }
}
