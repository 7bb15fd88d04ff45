using System.Diagnostics;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>What a closed-loop phase did within its measured window.</summary>
/// <param name="Concurrency">Workers.</param>
/// <param name="Seconds">The measured window.</param>
/// <param name="Operations">Operations that started in the window and succeeded.</param>
/// <param name="Units">What they completed (requests, entities, pairs).</param>
/// <param name="Errors">Operations that started in the window and failed.</param>
/// <param name="Latency">The succeeded operations' latency.</param>
/// <param name="Started">Every operation the loop started, warm-up and failures included: what counters read before and after the loop divide by.</param>
public sealed record ClosedLoopResult(int Concurrency, double Seconds, long Operations, long Units, long Errors, LatencySummary Latency, long Started = 0)
{
    public double UnitsPerSecond => Seconds > 0 ? Units / Seconds : 0;

    public double OperationsPerSecond => Seconds > 0 ? Operations / Seconds : 0;
}

/// <summary>
/// Load loops. Closed loop: a fixed number of workers, each starting its next operation when the last one ended
/// (throughput at that concurrency; latency is service time). Open loop: operations start on a fixed schedule
/// whatever the earlier ones do, and latency is counted from the scheduled start, so a stall shows in full
/// instead of delaying the measurements (no coordinated omission).
/// </summary>
public static class LoadRunner
{
    public static double Milliseconds(long fromTimestamp, long toTimestamp) => Stopwatch.GetElapsedTime(fromTimestamp, toTimestamp).TotalMilliseconds;

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers for warm-up plus duration. <paramref name="operation"/> gets the worker
    /// and its iteration and returns the units it completed (requests, entities), or throws on an error. Operations
    /// that start within the measured window count; the window ends when the last of them ends.
    /// </summary>
    public static async Task<ClosedLoopResult> ClosedLoopAsync(
        int concurrency, TimeSpan warmup, TimeSpan duration, Func<int, long, Task<int>> operation)
    {
        var origin = Stopwatch.GetTimestamp();
        var measureFrom = origin + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var recorders = new LatencyRecorder[concurrency];
        var counts = new (long Operations, long Units, long Errors, long LastEnd, long Started)[concurrency];
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var recorder = recorders[w] = new LatencyRecorder();
            for (long i = 0; ; i++)
            {
                var start = Stopwatch.GetTimestamp();
                if (start >= measureTo)
                {
                    break;
                }

                counts[w].Started++;
                int units;
                var failed = false;
                try
                {
                    units = await operation(w, i);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    units = 0;
                    failed = true;
                }

                var end = Stopwatch.GetTimestamp();
                if (start < measureFrom)
                {
                    continue;
                }

                ref var c = ref counts[w];
                c.LastEnd = Math.Max(c.LastEnd, end);
                if (failed)
                {
                    c.Errors++;
                    continue;
                }

                c.Operations++;
                c.Units += units;
                recorder.Record(Milliseconds(start, end));
            }
        })).ToList();
        await Task.WhenAll(workers);

        var windowEnd = Math.Max(measureTo, counts.Max(c => c.LastEnd));
        return new ClosedLoopResult(
            concurrency,
            Stopwatch.GetElapsedTime(measureFrom, windowEnd).TotalSeconds,
            counts.Sum(c => c.Operations),
            counts.Sum(c => c.Units),
            counts.Sum(c => c.Errors),
            LatencyRecorder.Merge(recorders).Summarize(),
            counts.Sum(c => c.Started));
    }

    /// <summary>
    /// Starts <paramref name="count"/> operations at <paramref name="perSecond"/>, the i-th at origin + i / rate, each
    /// given its scheduled timestamp; never waits for one to finish before starting the next. Returns when all ended.
    /// Between starts the loop sleeps on the timer, never spins: on the machine it shares with the service, a spin
    /// took CPU from the hosts it measures. An operation then starts up to the timer's resolution (a millisecond or
    /// two) after its schedule, and its latency, counted from the schedule, includes that.
    /// </summary>
    public static async Task OpenLoopAsync(double perSecond, int count, Func<int, long, Task> operation)
    {
        var interval = Stopwatch.Frequency / perSecond;
        var origin = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var running = new List<Task>(count);
        for (var i = 0; i < count;)
        {
            var scheduled = origin + (long)(i * interval);
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (remaining > TimeSpan.Zero)
            {
                // Whole milliseconds, rounded up: a delay under one would complete at once and spin.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)));
                continue;
            }

            // Every operation due by now starts, each with its own schedule.
            var index = i++;
            running.Add(Task.Run(() => operation(index, scheduled)));
        }

        await Task.WhenAll(running);
    }
}
