namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>Percentiles of a set of latencies, by the nearest-rank method (a percentile is always a measured value).</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);
}

/// <summary>Collects latencies in milliseconds; not thread-safe (one per worker, merged afterwards).</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public void Record(double milliseconds) => _values.Add(milliseconds);

    public void Add(LatencyRecorder other) => _values.AddRange(other._values);

    public static LatencyRecorder Merge(IEnumerable<LatencyRecorder> recorders)
    {
        var merged = new LatencyRecorder();
        foreach (var recorder in recorders)
        {
            merged.Add(recorder);
        }

        return merged;
    }

    public LatencySummary Summarize()
    {
        if (_values.Count == 0)
        {
            return LatencySummary.Empty;
        }

        var sorted = _values.ToArray();
        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            Percentile(sorted, 50),
            Percentile(sorted, 90),
            Percentile(sorted, 99),
            sorted[^1],
            sorted.Average());
    }

    /// <summary>
    /// The nearest-rank percentile of ascending <paramref name="sorted"/> values: the smallest value with at least
    /// <paramref name="percentile"/> % of the values at or below it.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sorted.Count, nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
