using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Orleans.Storage;

namespace Boai.Orleans.Hosting.Storage;

/// <summary>
/// The grain storage grains use: Orleans' Azure Table provider behind a check that the grain's id keeps its own row
/// (<see cref="GrainStateKeys"/>), timed on the service's meter (<c>boai.grain_storage.duration</c>), and with
/// ambiguous writes resolved (<see cref="WriteStateAsync"/>).
/// </summary>
internal sealed class CheckedGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly Meter Meter = new(Telemetry.MeterName, "1.0");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "boai.grain_storage.duration", "ms", "Time of one grain-state call to Azure Table storage, by operation and outcome (ok, conflict, error)");

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TimedAsync("read", stateName, grainId, () => inner.ReadStateAsync(stateName, grainId, grainState));

    /// <summary>
    /// Writes through the provider. A write the SDK retried after its first attempt landed but timed out (a loaded
    /// storage node) comes back as an ETag conflict, although storage holds exactly what was written: then the row is
    /// read back, and when it holds this state the write is the success it was, with the stored ETag. Any other
    /// conflict stays one.
    /// </summary>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TimedAsync("write", stateName, grainId, async () =>
        {
            try
            {
                await inner.WriteStateAsync(stateName, grainId, grainState);
            }
            catch (InconsistentStateException conflict)
            {
                if (!await StoredAlreadyAsync(stateName, grainId, grainState))
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(conflict);
                }
            }
        });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TimedAsync("clear", stateName, grainId, () => inner.ClearStateAsync(stateName, grainId, grainState));

    private async Task<bool> StoredAlreadyAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = new GrainState<T>();
        await inner.ReadStateAsync(stateName, grainId, stored);
        if (!stored.RecordExists || stored.ETag is null
            || !JsonSerializer.SerializeToUtf8Bytes(stored.State).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(grainState.State)))
        {
            return false;
        }

        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
        return true;
    }

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
