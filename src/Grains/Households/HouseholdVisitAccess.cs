using Boai.Orleans.Model;
using Boai.Orleans.Orders;

namespace Boai.Orleans.Households;

/// <summary>
/// Who may visit a household, and what their visit needs to know (<see cref="IHouseholdGrain.GetVisitContext"/>), as
/// of one state of the household: an immutable copy the grain takes whenever a call of its ends, when its state is what
/// storage holds. A check-in asks it without waiting for the household's turn, so it never queues behind the
/// household's storage write or its summary to the district, and never sees a change that storage has not taken yet.
/// </summary>
public sealed class HouseholdVisitAccess
{
    private static readonly HouseholdVisitAccess None = new(null, null, [], [], []);

    private readonly string? _districtId;
    private readonly GeoPoint? _location;
    private readonly HashSet<string> _needIds;
    private readonly List<(string VolunteerId, string NeedId)> _activePairings;
    private readonly Dictionary<string, OrderRef> _orders;

    private HouseholdVisitAccess(
        string? districtId,
        GeoPoint? location,
        HashSet<string> needIds,
        List<(string VolunteerId, string NeedId)> activePairings,
        Dictionary<string, OrderRef> orders)
    {
        _districtId = districtId;
        _location = location;
        _needIds = needIds;
        _activePairings = activePairings;
        _orders = orders;
    }

    public static HouseholdVisitAccess Of(HouseholdState state) => state.Profile is not { } profile
        ? None
        : new HouseholdVisitAccess(
            profile.DistrictId,
            profile.Location,
            [.. state.Needs.Keys],
            [.. state.Pairings.Values.Where(p => p.IsActive).Select(p => (p.VolunteerId, p.NeedId))],
            new Dictionary<string, OrderRef>(state.Orders, StringComparer.Ordinal));

    /// <summary>Whether the volunteer may visit (for the need, if named); 403/404 otherwise.</summary>
    public Outcome<VisitContext> Check(string volunteerId, string? needId)
    {
        if (_districtId is null)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        if (needId is not null && !_needIds.Contains(needId) && !_orders.ContainsKey(needId))
        {
            return Failure.Invalid("needId", "此家庭没有这项需求 / Not a need of this household");
        }

        var served = _activePairings
            .Where(p => p.VolunteerId == volunteerId && (needId is null || p.NeedId == needId))
            .Select(p => p.NeedId)
            .Distinct()
            .ToList();
        // A menu order the volunteer has taken lets them visit the way a pairing does.
        var orders = _orders.Values
            .Where(o => o.Status == OrderStatus.Claimed && o.VolunteerId == volunteerId && (needId is null || o.OrderId == needId))
            .Select(o => o.OrderId)
            .ToList();
        return served.Count == 0 && orders.Count == 0
            ? Failure.Forbidden("志愿者未与此家庭结对 / The volunteer is not paired with this household")
            : Outcome<VisitContext>.Ok(new VisitContext(_districtId, _location, served, orders));
    }
}
