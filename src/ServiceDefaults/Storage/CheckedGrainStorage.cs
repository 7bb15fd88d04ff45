using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Storage;

namespace Boai.Orleans.Hosting.Storage;

/// <summary>
/// The grain storage grains use: Orleans' Azure Table provider behind a check that the grain's id keeps its own row
/// (<see cref="GrainStateKeys"/>), timed on the service's meter (<c>boai.grain_storage.duration</c>).
/// </summary>
internal sealed class CheckedGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly Meter Meter = new(Telemetry.MeterName, "1.0");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "boai.grain_storage.duration", "ms", "Time of one grain-state call to Azure Table storage, by operation and outcome (ok, conflict, error)");

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TimedAsync("read", stateName, grainId, () => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TimedAsync("write", stateName, grainId, () => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TimedAsync("clear", stateName, grainId, () => inner.ClearStateAsync(stateName, grainId, grainState));

    private static async Task TimedAsync(string operation, string stateName, GrainId grainId, Func<Task> call)
    {
        if (GrainStateKeys.Problem(grainId, stateName) is { } problem)
        {
            throw new ArgumentException($"The state of {grainId} cannot be stored apart from other grains': {problem}.", nameof(grainId));
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            await call();
            outcome = "ok";
        }
        catch (InconsistentStateException)
        {
            outcome = "conflict";
            throw;
        }
        finally
        {
            Duration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("operation", operation),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
