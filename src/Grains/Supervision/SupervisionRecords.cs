namespace Boai.Orleans.Supervision;

/// <summary>The district's answer to a supervision order: what it will do, by when.</summary>
[GenerateSerializer, Immutable]
public sealed record SupervisionResponse(
    [property: Id(0)] string Actions,
    [property: Id(1)] DateOnly TargetDate,
    [property: Id(2)] string By,
    [property: Id(3)] DateTimeOffset At);

/// <summary>
/// A supervision order (督办单): opened by the clock for a district whose activity rate (活跃度) at a month's end was
/// at or below the threshold; answered by the district; closed when the rate recovers above it. Never deleted.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SupervisionOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string DistrictId,
    [property: Id(2)] string Month,
    [property: Id(3)] double RateAtOpen,
    [property: Id(4)] double Threshold,
    [property: Id(5)] DateTimeOffset OpenedAt,
    [property: Id(6)] IReadOnlyList<SupervisionResponse> Responses,
    [property: Id(7)] DateTimeOffset? ClosedAt = null,
    [property: Id(8)] double? RateAtClose = null)
{
    public bool Open => ClosedAt is null;
}
