using Boai.Orleans.Matching;

namespace Boai.Orleans.Orders;

/// <summary>Where an order stands. A released order is <see cref="Open"/> again.</summary>
public enum OrderStatus
{
    Open,
    Claimed,
    Completed,
    Cancelled,
}

/// <summary>A one-off request (菜单式服务) as a coordinator places it.</summary>
[GenerateSerializer, Immutable]
public sealed record NewOrder(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] string ItemId,
    [property: Id(2)] DateTimeOffset WindowStart,
    [property: Id(3)] DateTimeOffset WindowEnd,
    [property: Id(4)] string? Notes,
    [property: Id(5)] int Priority,
    [property: Id(6)] string By);

/// <summary>One step of an order's life: created, offered, claimed, released, completed, cancelled.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderStep(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Action,
    [property: Id(2)] string By,
    [property: Id(3)] string? VolunteerId = null);

/// <summary>An order as the API and the district's board show it. <c>EscalatesAt</c>: when an open order counts as unclaimed too long.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string DistrictId,
    [property: Id(3)] string ItemId,
    [property: Id(4)] string Category,
    [property: Id(5)] IReadOnlyList<string> Skills,
    [property: Id(6)] DateTimeOffset WindowStart,
    [property: Id(7)] DateTimeOffset WindowEnd,
    [property: Id(8)] string? Notes,
    [property: Id(9)] int Priority,
    [property: Id(10)] OrderStatus Status,
    [property: Id(11)] string? VolunteerId,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] string CreatedBy,
    [property: Id(14)] DateTimeOffset OfferedSince,
    [property: Id(15)] DateTimeOffset? EscalatesAt,
    [property: Id(16)] bool Escalated,
    [property: Id(17)] DateTimeOffset? ClaimedAt,
    [property: Id(18)] DateTimeOffset? CompletedAt,
    [property: Id(19)] string? VisitId,
    [property: Id(20)] IReadOnlyList<OrderStep> History,
    [property: Id(21)] int Version)
{
    /// <summary>The view as of <paramref name="now"/>: whether an open order has escalated depends on the clock.</summary>
    public OrderView At(DateTimeOffset now) => this with { Escalated = Status == OrderStatus.Open && EscalatesAt is { } at && now >= at };
}

/// <summary>What a household keeps of each of its live orders: enough for coverage and for visits.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderRef(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string ItemId,
    [property: Id(2)] string Category,
    [property: Id(3)] IReadOnlyList<string> Skills,
    [property: Id(4)] int Priority,
    [property: Id(5)] OrderStatus Status,
    [property: Id(6)] string? VolunteerId,
    [property: Id(7)] DateTimeOffset OfferedSince)
{
    public bool IsLive => Status is OrderStatus.Open or OrderStatus.Claimed;
}

/// <summary>An order as matching sees it: the need, and the time window a volunteer must be free in.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderMatch(
    [property: Id(0)] MatchNeed Need,
    [property: Id(1)] DateTimeOffset WindowStart,
    [property: Id(2)] DateTimeOffset WindowEnd);
