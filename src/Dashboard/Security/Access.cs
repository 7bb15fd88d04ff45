using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Teams;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>A visit a phone id names: whose it is, where.</summary>
public sealed record VisitCandidate(VisitKey Key, string DistrictId, string HouseholdId);

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
public sealed class Access(IGrainFactory grains, DistrictDirectory districts, IVisitLog log)
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

    /// <summary>
    /// A visit by the id its phone chose: a volunteer's own (the token names the volunteer; when <paramref name="self"/>),
    /// or, for staff of its district, the visit with that id (<paramref name="volunteerId"/> chooses when volunteers'
    /// phones chose the same id). A missing visit is null.
    /// </summary>
    public async Task<Guarded<VisitView?>> Visit(Caller caller, string visitId, bool self = true, string? volunteerId = null)
    {
        if (caller.IsVolunteer)
        {
            if (!self || (volunteerId is not null && !caller.IsVolunteerItself(volunteerId)))
            {
                return Guarded<VisitView?>.Deny(ApiProblems.Forbidden());
            }

            return new Guarded<VisitView?>(await grains.Visit(caller.Sub, visitId).Get(), null);
        }

        var key = volunteerId is not null
            ? new Guarded<VisitKey?>(new VisitKey(volunteerId, visitId), null)
            : await FindVisit(visitId, c => caller.CoversDistrict(c.DistrictId));
        if (key.Denied is not null || key.Value is not { } found)
        {
            return new Guarded<VisitView?>(null, key.Denied);
        }

        var visit = await grains.Visit(found).Get();
        if (visit is null)
        {
            return new Guarded<VisitView?>(null, null);
        }

        return caller.CoversDistrict(visit.DistrictId) ? new Guarded<VisitView?>(visit, null) : Guarded<VisitView?>.Deny(ApiProblems.Forbidden());
    }

    /// <summary>
    /// The visit a phone id names, found through the ledger's visit rows (every volunteer's visit with that id is one
    /// range read): null when there is none; when several volunteers' phones chose the id, the one <paramref name="mine"/>
    /// accepts, 403 when none is, and a 400 naming <c>volunteerId</c> when more than one is.
    /// </summary>
    public async Task<Guarded<VisitKey?>> FindVisit(string visitId, Func<VisitCandidate, bool> mine)
    {
        var candidates = await VisitCandidates(visitId);
        if (candidates.Count <= 1)
        {
            return new Guarded<VisitKey?>(candidates.Count == 0 ? null : candidates[0].Key, null);
        }

        var visible = candidates.Where(mine).ToList();
        return visible.Count switch
        {
            0 => Guarded<VisitKey?>.Deny(ApiProblems.Forbidden()),
            1 => new Guarded<VisitKey?>(visible[0].Key, null),
            _ => Guarded<VisitKey?>.Deny(Ambiguous(visitId)),
        };
    }

    /// <summary>Every volunteer's visit whose phone chose this id: whose, in which district and household.</summary>
    public async Task<IReadOnlyList<VisitCandidate>> VisitCandidates(string visitId) =>
        (await log.ReadVisitAsync(visitId))
            .GroupBy(e => e.Visit.VolunteerId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.Seq)!.Visit)
            .Select(v => new VisitCandidate(v.Key, v.DistrictId, v.HouseholdId))
            .ToList();

    public static IResult Ambiguous(string visitId) => ApiProblems.Invalid(
        "volunteerId",
        $"多位义工的探访使用了 {visitId}，请用 volunteerId 指明 / Several volunteers' visits use the id {visitId}: name one with volunteerId");

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
