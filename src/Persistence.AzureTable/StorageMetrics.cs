using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>How long grain-state calls to Azure Table storage take, on the service's meter (<c>Boai.Orleans</c>).</summary>
internal static class StorageMetrics
{
    private static readonly Meter Meter = new("Boai.Orleans", "1.0");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "boai.grain_storage.duration", "ms", "Time of one grain-state call to Azure Table storage, by operation and outcome (ok, conflict, error)");

    public static void Record(string operation, string outcome, long startedAt) =>
        Duration.Record(
            Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds,
            new KeyValuePair<string, object?>("operation", operation.ToLowerInvariant()),
            new KeyValuePair<string, object?>("outcome", outcome));
}
