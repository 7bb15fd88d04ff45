namespace Boai.Orleans.Orders;

/// <summary>Menu orders (菜单式服务), configuration section <c>Orders</c>.</summary>
public sealed class OrderOptions
{
    public const string SectionName = "Orders";

    /// <summary>An order on offer this long without a claim becomes an uncovered need (<c>orderUnclaimed</c>) and escalates.</summary>
    public TimeSpan UnclaimedAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Volunteers of districts whose centre lies within this distance of the household's district centre are offered
    /// the order too (they still qualify only within their own travel range).
    /// </summary>
    public double NeighbourDistrictKm { get; set; } = 15;

    /// <summary>Finished (completed or cancelled) orders a district's board keeps, newest first.</summary>
    public int FinishedOnBoard { get; set; } = 100;
}
