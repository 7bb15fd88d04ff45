using Boai.Orleans.Model;

namespace Boai.Orleans.Orders;

/// <summary>
/// A one-off order (菜单式服务), keyed by the id its household made for it (<see cref="Ids.OrderId"/>). Calls run one
/// at a time, so among concurrent claims the first valid one wins; it is stored before it is answered.
/// </summary>
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Places the order and offers it to every eligible volunteer. A repeat of the same order answers it again.</summary>
    Task<Outcome<OrderView>> Create(NewOrder order);

    Task<OrderView?> Get();

    /// <summary>A volunteer takes the order: 200 for the first valid claim, a conflict for every other one.</summary>
    Task<Outcome<OrderView>> Claim(string volunteerId);

    /// <summary>The claiming volunteer (or a coordinator, <paramref name="byVolunteer"/> false) gives the order back; it is offered again.</summary>
    Task<Outcome<OrderView>> Release(string by, bool byVolunteer);

    /// <summary>A coordinator withdraws the order.</summary>
    Task<Outcome<OrderView>> Cancel(string by);

    /// <summary>Whether the volunteer may take the order now (for reading it and for offers).</summary>
    Task<bool> IsEligible(string volunteerId);

    /// <summary>The claiming volunteer's visit to the household was checked out. Idempotent per visit.</summary>
    Task Completed(string visitId, string volunteerId, DateTimeOffset at);
}

/// <summary>A district's order board (派单看板), keyed by district id: every live order and the latest finished ones.</summary>
public interface IOrderBoardGrain : IGrainWithStringKey
{
    /// <summary>Takes the order's latest view (an older version changes nothing), and how matching sees it.</summary>
    Task Upsert(OrderView order, OrderMatch match);

    /// <summary>Open and claimed orders first (oldest first), then finished ones (newest first).</summary>
    Task<IReadOnlyList<OrderView>> List();

    /// <summary>The open orders of this board that the volunteer (of <paramref name="volunteerDistrictId"/>) may take.</summary>
    Task<IReadOnlyList<OrderView>> OffersFor(string volunteerId, string volunteerDistrictId);
}
