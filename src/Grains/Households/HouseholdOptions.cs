namespace Boai.Orleans.Households;

/// <summary>How a household stores what the ledger tells it (section <c>Households</c>).</summary>
public sealed class HouseholdOptions
{
    public const string SectionName = "Households";

    /// <summary>
    /// How long a finished visit the ledger delivered waits in memory before the household writes its state (and on
    /// deactivation): its summary goes to the district at once, and the ledger partition keeps the visit's events until
    /// the state and the district's summary both hold them, so a household that dies first gets them again. Visits
    /// within the interval share one write. A coordinator's change is written at once.
    /// </summary>
    /// <remarks>
    /// Must stay below the grain call timeout (Orleans' <c>ResponseTimeout</c>, 30 s; checked as the host starts): the
    /// ledger's lane waits in a call to the household (<c>Stored</c>) for this write. A stopping silo sends it at once
    /// (<c>WriteBehindGate.Stopping</c>). 5 s coalesces a household visited often into about a third of the writes 1 s
    /// needed (docs/BENCHMARKS.md); a household visited once a week gets one write a visit whatever the interval.
    /// </remarks>
    public TimeSpan WriteBehind { get; set; } = TimeSpan.FromSeconds(5);
}
