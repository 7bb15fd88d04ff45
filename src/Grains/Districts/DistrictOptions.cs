namespace Boai.Orleans.Districts;

/// <summary>How a district writes its projection (section <c>Districts</c>).</summary>
public sealed class DistrictOptions
{
    public const string SectionName = "Districts";

    /// <summary>
    /// Shortest time between two writes of a district's rows that only the ledger's lanes wait for. Visit events are
    /// applied (and their live events sent) at once and stored with the next write; the ledger partition keeps them
    /// until that write confirms them, so a busy district costs one entity-group transaction per interval instead of
    /// one per delivery. An update someone waits for (a household's or volunteer's summary, a removal, the clock) is
    /// written at once. 5 s: against 1 s, a quarter fewer entities written and a sixth less of the silo's allocation per
    /// visit pair in the bench (docs/BENCHMARKS.md, third round), for visit events that wait up to 5 s longer in the
    /// partition's lanes and a catch-up of up to 5 s more events when a district activates elsewhere. Must stay below
    /// the grain call timeout (30 s; checked as the host starts): the lane waits in a call to the district for this write.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Shortest time between two <c>districtSummary</c> events of a district. A summary replaces the one before; a
    /// busy district's changes every few milliseconds would otherwise each be a message to every watcher. The latest
    /// summary goes out at the end of the interval, after the events it counts.
    /// </summary>
    public TimeSpan SummaryEvery { get; set; } = TimeSpan.FromMilliseconds(250);
}
