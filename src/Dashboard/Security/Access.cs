using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Teams;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>An object the caller may act on, or the answer that refuses it.</summary>
public readonly record struct Guarded<T>(T? Value, IResult? Denied)
{
    public static Guarded<T> Deny(IResult denied) => new(default, denied);
}

/// <summary>
/// Who may see or change what: the one place for it. Every rule checks the district of the object a request names
/// (loaded from its grain), never only the route. Volunteers reach only themselves; coordinators their districts;
/// operators everything.
/// </summary>
public sealed class Access(IGrainFactory grains, DistrictDirectory districts)
{
    /// <summary>A district's records (coordinators of it, operators).</summary>
    public IResult? District(Caller caller, string districtId)
    {
        if (districts.Find(districtId) is null)
        {
            return ApiProblems.NotFound($"镇区 {districtId} 不存在 / No district {districtId}");
        }

        return caller.CoversDistrict(districtId) ? null : ApiProblems.Forbidden();
    }

    /// <summary>Changing a record into <paramref name="districtId"/>: the district must exist and be the caller's.</summary>
    public IResult? IntoDistrict(Caller caller, string districtId) =>
        districts.Find(districtId) is null
            ? ApiProblems.Invalid("districtId", "未知的镇区 / Unknown district")
            : caller.CoversDistrict(districtId) ? null : ApiProblems.Forbidden();

    public IResult? Staff(Caller caller) => caller.IsStaff ? null : ApiProblems.Forbidden();

    /// <summary>A household's records: returns its district.</summary>
    public async Task<Guarded<string>> Household(Caller caller, string householdId)
    {
        if (!caller.IsStaff)
        {
            return Guarded<string>.Deny(ApiProblems.Forbidden());
        }

        var district = await grains.GetGrain<IHouseholdGrain>(householdId).GetDistrict();
        if (district is null)
        {
            return Guarded<string>.Deny(ApiProblems.NotFound($"家庭 {householdId} 不存在 / No household {householdId}"));
        }

        return caller.CoversDistrict(district) ? new Guarded<string>(district, null) : Guarded<string>.Deny(ApiProblems.Forbidden());
    }

    /// <summary>A volunteer's record: the volunteer itself (when <paramref name="self"/>), or staff of its district.</summary>
    public async Task<Guarded<VolunteerView>> Volunteer(Caller caller, string volunteerId, bool self = true)
    {
        if (caller.IsVolunteer && !(self && caller.IsVolunteerItself(volunteerId)))
        {
            return Guarded<VolunteerView>.Deny(ApiProblems.Forbidden());
        }

        var volunteer = await grains.GetGrain<IVolunteerGrain>(volunteerId).Get();
        if (volunteer is null)
        {
            return Guarded<VolunteerView>.Deny(ApiProblems.NotFound($"义工 {volunteerId} 不存在 / No volunteer {volunteerId}"));
        }

        return caller.IsVolunteer || caller.CoversDistrict(volunteer.Profile.DistrictId)
            ? new Guarded<VolunteerView>(volunteer, null)
            : Guarded<VolunteerView>.Deny(ApiProblems.Forbidden());
    }

    /// <summary>A visit: its own volunteer (when <paramref name="self"/>), or staff of its district. A missing visit is null.</summary>
    public async Task<Guarded<VisitView?>> Visit(Caller caller, string visitId, bool self = true)
    {
        if (caller.IsVolunteer && !self)
        {
            return Guarded<VisitView?>.Deny(ApiProblems.Forbidden());
        }

        var visit = await grains.GetGrain<IVisitGrain>(visitId).Get();
        if (visit is null)
        {
            return new Guarded<VisitView?>(null, null);
        }

        var allowed = caller.IsVolunteer ? caller.IsVolunteerItself(visit.VolunteerId) : caller.CoversDistrict(visit.DistrictId);
        return allowed ? new Guarded<VisitView?>(visit, null) : Guarded<VisitView?>.Deny(ApiProblems.Forbidden());
    }

    /// <summary>A pairing, found through the household its id names.</summary>
    public async Task<Guarded<PairingView>> Pairing(Caller caller, string pairingId)
    {
        var householdId = Ids.OwnerHousehold(pairingId, 'p');
        if (householdId is null)
        {
            return Guarded<PairingView>.Deny(ApiProblems.NotFound($"结对 {pairingId} 不存在 / No pairing {pairingId}"));
        }

        var household = await Household(caller, householdId);
        if (household.Denied is not null)
        {
            return Guarded<PairingView>.Deny(household.Denied);
        }

        var pairing = await grains.GetGrain<IHouseholdGrain>(householdId).GetPairing(pairingId);
        return pairing is null ? Guarded<PairingView>.Deny(ApiProblems.NotFound($"结对 {pairingId} 不存在 / No pairing {pairingId}")) : new Guarded<PairingView>(pairing, null);
    }

    /// <summary>A need of the household named by the route: the need's id must be one of that household's.</summary>
    public async Task<Guarded<string>> Need(Caller caller, string householdId, string needId)
    {
        var household = await Household(caller, householdId);
        if (household.Denied is not null)
        {
            return household;
        }

        return Ids.OwnerHousehold(needId, 'n') == householdId
            ? household
            : Guarded<string>.Deny(ApiProblems.NotFound($"需求 {needId} 不存在 / No need {needId}"));
    }

    /// <summary>A service team: staff of its district.</summary>
    public async Task<Guarded<TeamView>> Team(Caller caller, string teamId)
    {
        if (!caller.IsStaff)
        {
            return Guarded<TeamView>.Deny(ApiProblems.Forbidden());
        }

        var team = await grains.GetGrain<IServiceTeamGrain>(teamId).Get();
        if (team is null)
        {
            return Guarded<TeamView>.Deny(ApiProblems.NotFound($"服务队 {teamId} 不存在 / No team {teamId}"));
        }

        return caller.CoversDistrict(team.Profile.DistrictId) ? new Guarded<TeamView>(team, null) : Guarded<TeamView>.Deny(ApiProblems.Forbidden());
    }

    /// <summary>A menu order: staff of its district; a volunteer who holds it, or who may take it now.</summary>
    public async Task<Guarded<OrderView>> Order(Caller caller, string orderId)
    {
        var notFound = ApiProblems.NotFound($"订单 {orderId} 不存在 / No order {orderId}");
        if (Ids.OwnerHousehold(orderId, 'o') is null)
        {
            return Guarded<OrderView>.Deny(notFound);
        }

        var grain = grains.GetGrain<IOrderGrain>(orderId);
        if (await grain.Get() is not { } order)
        {
            return Guarded<OrderView>.Deny(notFound);
        }

        var allowed = caller.IsVolunteer
            ? order.VolunteerId == caller.Sub || (order.Status == OrderStatus.Open && await grain.IsEligible(caller.Sub))
            : caller.CoversDistrict(order.DistrictId);
        return allowed ? new Guarded<OrderView>(order, null) : Guarded<OrderView>.Deny(ApiProblems.Forbidden());
    }

    /// <summary>Claiming an order: volunteers only, for themselves; the order must exist.</summary>
    public async Task<IResult?> ClaimOrder(Caller caller, string orderId)
    {
        if (!caller.IsVolunteer)
        {
            return ApiProblems.Forbidden("只有义工本人可以接单 / Only volunteers take orders, for themselves");
        }

        return Ids.OwnerHousehold(orderId, 'o') is null || await grains.GetGrain<IOrderGrain>(orderId).Get() is null
            ? ApiProblems.NotFound($"订单 {orderId} 不存在 / No order {orderId}")
            : null;
    }

    /// <summary>Releasing an order: the volunteer who holds it, or staff of its district.</summary>
    public async Task<Guarded<OrderView>> ReleaseOrder(Caller caller, string orderId)
    {
        var order = await Order(caller, orderId);
        if (order.Denied is null && caller.IsVolunteer && order.Value!.VolunteerId != caller.Sub)
        {
            return Guarded<OrderView>.Deny(ApiProblems.Forbidden("只有接单的义工可以放弃 / Only the volunteer who took the order may release it"));
        }

        return order;
    }

    /// <summary>Cancelling an order: staff of its district.</summary>
    public async Task<Guarded<OrderView>> CancelOrder(Caller caller, string orderId) =>
        !caller.IsStaff ? Guarded<OrderView>.Deny(ApiProblems.Forbidden()) : await Order(caller, orderId);

    /// <summary>The volunteer whose offered orders a hub connection receives: a volunteer's own, nobody else's.</summary>
    public string? OwnOffers(Caller caller) => caller.IsVolunteer ? caller.Sub : null;

    /// <summary>Hub subscriptions: the same rule as the district's records.</summary>
    public bool MayWatch(Caller caller, string districtId) => districts.Find(districtId) is not null && caller.CoversDistrict(districtId);
}
