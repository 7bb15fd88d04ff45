using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Live;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Districts;

/// <summary>
/// Matching (服务匹配) on the district's live state, never on a scan of storage: suggestions for one need, the
/// whole-district plan, and the suggestions made ready unasked when a volunteer's leaving or pausing uncovers a need.
/// The prepared pool (<see cref="MatchPool"/>, with its location cells) is built away from the grain's turn, once for
/// every caller waiting for it, and kept current in place; it is built again only after a volunteer changed in a way
/// the pool cannot take in place. The plan (seconds at 越秀 size) is computed away from the grain's turn too, on the
/// pool as it was when asked: a volunteer's change meanwhile goes to a copy (<see cref="MatchPool.Copy"/>).
/// </summary>
internal sealed class DistrictMatching(
    string districtId,
    DistrictLive live,
    List<LiveEvent> outbox,
    MatchingOptions options,
    ServiceCatalogue catalogue,
    TimeProvider time,
    TimeZoneInfo zone)
{
    private const string PlanAlgorithm = "minCostMaxFlow";

    private readonly Matcher _matcher = new(options);
    private readonly DistrictPlanner _planner = new(options);
    private readonly OrderEligibility _orderEligibility = new(options, zone);

    // Needs whose ready suggestions are to be (re)made, with their household.
    private readonly Dictionary<string, string> _suggestionsDue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ready> _ready = new(StringComparer.Ordinal);
    // Volunteers who changed while the pool was being built: applied to it before it is adopted.
    private readonly HashSet<string> _changedWhileBuilding = new(StringComparer.Ordinal);
    private MatchPool? _pool;
    private Task? _building;
    private MatchPool? _lent;
    private int _lentCount;
    private int _poolVersion;
    private int _stateVersion;
    private DistrictPlanView? _plan;
    private int _planVersion = -1;
    private Task<DistrictPlanView>? _planning;
    private int _planningVersion = -1;

    /// <summary>Needs waiting for their ready suggestions (<see cref="PrepareDueAsync"/>).</summary>
    public bool HasDue => _suggestionsDue.Count > 0;

    /// <summary>
    /// The prepared pool: built on the thread pool (a 越秀-size district takes seconds) by the first caller, which every
    /// later caller awaits instead of building one of its own; the grain's turn stays free meanwhile.
    /// </summary>
    public async Task<MatchPool> PoolAsync()
    {
        while (_pool is null)
        {
            await (_building ??= BuildAsync());
        }

        return _pool;
    }

    public async Task<IReadOnlyList<SuggestedVolunteer>> SuggestAsync(MatchNeed need, int take)
    {
        var pool = await PoolAsync();
        return take <= options.SuggestionsWhenUncovered && _ready.TryGetValue(need.NeedId, out var ready) && ready.PoolVersion == _poolVersion
            ? ready.Suggestions.Take(take).ToList()
            : Rank(need, take, pool);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<SuggestedVolunteer>>> ReadySuggestionsAsync()
    {
        var pool = await PoolAsync();
        var result = new Dictionary<string, IReadOnlyList<SuggestedVolunteer>>(StringComparer.Ordinal);
        if (options.SuggestionsWhenUncovered == 0)
        {
            return result;
        }

        foreach (var need in live.Households.Values.SelectMany(h => h.Uncovered).Where(n => GetsReadySuggestions(n.Reason)))
        {
            // Made again when the volunteers changed since (or the grain was reactivated): a read is never stale.
            if (!_ready.TryGetValue(need.NeedId, out var ready) || ready.PoolVersion != _poolVersion)
            {
                ready = new Ready(need.HouseholdId, Rank(Match(need), options.SuggestionsWhenUncovered, pool), _poolVersion);
                _ready[need.NeedId] = ready;
            }

            result[need.NeedId] = ready.Suggestions;
        }

        return result;
    }

    /// <summary>The plan of the live state as it is now: from the cache while nothing changed, else computed once for every caller.</summary>
    public async Task<DistrictPlanView> PlanAsync()
    {
        var pool = await PoolAsync();
        var version = _stateVersion;
        if (_plan is not null && _planVersion == version)
        {
            return _plan;
        }

        if (_planning is null || _planningVersion != version)
        {
            _planning = MakePlanAsync(pool);
            _planningVersion = version;
        }

        var planning = _planning;
        DistrictPlanView plan;
        try
        {
            plan = await planning;
        }
        finally
        {
            if (ReferenceEquals(_planning, planning))
            {
                _planning = null;
            }
        }

        if (version >= _planVersion)
        {
            _plan = plan;
            _planVersion = version;
        }

        return plan;
    }

    public async Task<IReadOnlyList<string>> VolunteersEligibleForAsync(OrderMatch order) => _orderEligibility.Volunteers(order, await PoolAsync());

    public IReadOnlyList<string> OrdersEligibleFor(string volunteerId, IReadOnlyList<OrderMatch> orders)
    {
        if (!live.Volunteers.TryGetValue(volunteerId, out var volunteer))
        {
            return [];
        }

        var match = ToMatch(volunteer);
        return orders.Where(o => _orderEligibility.Volunteer(o, match)).Select(o => o.Need.NeedId).ToList();
    }

    public void HouseholdsChanged() => _stateVersion++;

    /// <summary>
    /// A volunteer changed: the pool takes the change in place (or is made again on next use), and ready suggestions
    /// naming one who is out are made again. Never compared with the previous summary: a volunteer's lists may be
    /// the same instances as before, changed in place by the volunteer's grain (records pass by reference in a silo).
    /// </summary>
    public void VolunteerChanged(string volunteerId, VolunteerSummary? after)
    {
        if (_building is not null)
        {
            _changedWhileBuilding.Add(volunteerId);
        }

        // Most changes (status, load, rating, travel range, households served) are applied to the pool in place; others make
        // it again. A pool lent to a plan in progress is not changed under it: the change goes to a copy.
        if (_pool is not null && (after is null || !Writable(_pool).TryReplace(ToMatch(after))))
        {
            _pool = null;
        }

        _poolVersion++;
        _stateVersion++;
        if (after is { Status: VolunteerStatus.Active })
        {
            return;
        }

        foreach (var (needId, ready) in _ready)
        {
            if (ready.Suggestions.Any(s => s.VolunteerId == volunteerId))
            {
                _suggestionsDue[needId] = ready.HouseholdId;
            }
        }
    }

    public void NeedUncovered(UncoveredNeed need)
    {
        if (GetsReadySuggestions(need.Reason) && options.SuggestionsWhenUncovered > 0)
        {
            _suggestionsDue[need.NeedId] = need.HouseholdId;
        }
        else
        {
            NeedCovered(need.NeedId);
        }
    }

    public void NeedCovered(string needId)
    {
        _suggestionsDue.Remove(needId);
        _ready.Remove(needId);
    }

    /// <summary>Ranks the volunteers for each due need and puts a <see cref="SuggestionsReadyEvent"/> each in the outbox.</summary>
    public async Task PrepareDueAsync()
    {
        var pool = await PoolAsync();
        var due = _suggestionsDue.ToList();
        _suggestionsDue.Clear();
        foreach (var (needId, householdId) in due)
        {
            var need = live.Households.TryGetValue(householdId, out var h) ? h.Uncovered.FirstOrDefault(n => n.NeedId == needId) : null;
            if (need is null || !GetsReadySuggestions(need.Reason))
            {
                _ready.Remove(needId);
                continue;
            }

            var suggestions = Rank(Match(need), options.SuggestionsWhenUncovered, pool);
            _ready[needId] = new Ready(householdId, suggestions, _poolVersion);
            outbox.Add(new SuggestionsReadyEvent
            {
                DistrictId = districtId,
                NeedId = needId,
                HouseholdId = householdId,
                Reason = need.Reason.ToContract(),
                Suggestions = suggestions,
            });
        }
    }

    /// <summary>
    /// Min-cost max-flow over the needs no pairing serves (no pairing, volunteer left or paused): as many covered as
    /// possible, then the best total score, nobody above <see cref="MatchingOptions.MaxPairingsPerVolunteer"/>
    /// counting their active pairings. Needs that still have a paired volunteer (overdue, major change) are left out:
    /// what they need is that volunteer's visit, not a second pairing.
    /// </summary>
    private async Task<DistrictPlanView> MakePlanAsync(MatchPool pool)
    {
        var uncovered = live.Households.Values.SelectMany(h => h.Uncovered).ToDictionary(n => n.NeedId, StringComparer.Ordinal);
        var pairable = uncovered.Values.Where(n => IsPairable(n.Reason)).Select(n => Match(n)).ToList();

        // Away from the grain's turn: 2,000 needs over 180,000 volunteers is seconds of work.
        Lend(pool);
        DistrictPlan plan;
        Dictionary<string, string> why;
        try
        {
            (plan, why) = await Task.Run(() =>
            {
                var computed = _planner.Plan(pairable, pool);
                var needs = pairable.ToDictionary(n => n.NeedId, StringComparer.Ordinal);
                return (computed, computed.UnassignedNeedIds.ToDictionary(id => id, id => WhyUnassigned(needs[id], pool), StringComparer.Ordinal));
            });
        }
        finally
        {
            GiveBack(pool);
        }

        var proposals = plan.Assignments.Select(a =>
        {
            var n = uncovered[a.NeedId];
            return new PlanProposal(n.NeedId, n.HouseholdId, n.ItemId, n.Category, n.Reason, n.Since, n.Priority, a.VolunteerId, MaskedName(a.VolunteerId), a.Score, a.Factors);
        }).ToList();

        var unassigned = plan.UnassignedNeedIds.Select(id => Unassigned(uncovered[id], why[id])).ToList();
        foreach (var n in uncovered.Values.Where(n => !IsPairable(n.Reason)))
        {
            unassigned.Add(Unassigned(n, n.Reason is UncoveredReason.Overdue or UncoveredReason.MajorChangeNotVisited ? PlanWhy.AlreadyPaired : PlanWhy.NotPairable));
        }

        unassigned.Sort((a, b) => a.Since.CompareTo(b.Since) is var c and not 0 ? c : string.CompareOrdinal(a.NeedId, b.NeedId));
        return new DistrictPlanView(
            districtId, PlanIdOf(proposals), time.GetUtcNow(), PlanAlgorithm, options.MaxPairingsPerVolunteer, uncovered.Count, proposals, unassigned, plan.TotalScore);

        static PlanUnassigned Unassigned(UncoveredNeed n, string why) =>
            new(n.NeedId, n.HouseholdId, n.ItemId, n.Category, n.Reason, n.Since, n.Priority, why);
    }

    /// <summary>Why the plan leaves a pairable need out. Thread-safe: reads the pool only.</summary>
    private string WhyUnassigned(MatchNeed need, MatchPool pool) =>
        // Someone passes the hard rules for it alone: their capacity went to other needs of the plan.
        _matcher.Suggest(need, pool, 1).Count > 0 ? PlanWhy.CapacityUsed
        : need.RequiredTrainings is { Count: > 0 } && !pool.Volunteers.Any(v => v.Active && TrainingRules.Covers(v.Trainings, need.RequiredTrainings)) ? PlanWhy.NoTrainedVolunteer
        : PlanWhy.NoEligibleVolunteer;

    /// <summary>Builds the pool from the volunteers as they are now; changes made while it builds are applied before it is adopted.</summary>
    private async Task BuildAsync()
    {
        try
        {
            _changedWhileBuilding.Clear();
            var volunteers = live.Volunteers.Values.ToList();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            MatchPool? pool = await Task.Run(() => BuildPool(volunteers));
            Telemetry.MatchPoolBuilt(districtId, started);
            foreach (var id in _changedWhileBuilding)
            {
                // A new or removed volunteer, or a change the pool cannot take in place: built again by the caller's loop.
                if (!live.Volunteers.TryGetValue(id, out var v) || !pool.TryReplace(ToMatch(v)))
                {
                    pool = null;
                    break;
                }
            }

            _pool = pool;
        }
        finally
        {
            _changedWhileBuilding.Clear();
            _building = null;
        }
    }

    private void Lend(MatchPool pool)
    {
        _lentCount = ReferenceEquals(_lent, pool) ? _lentCount + 1 : 1;
        _lent = pool;
    }

    private void GiveBack(MatchPool pool)
    {
        if (ReferenceEquals(_lent, pool) && --_lentCount == 0)
        {
            _lent = null;
        }
    }

    /// <summary>The pool to change in place: a copy when the current one is lent to a plan in progress.</summary>
    private MatchPool Writable(MatchPool pool)
    {
        if (ReferenceEquals(pool, _lent))
        {
            _pool = pool = pool.Copy();
        }

        return pool;
    }

    /// <summary>Needs a new pairing would cover.</summary>
    private static bool IsPairable(UncoveredReason reason) =>
        reason is UncoveredReason.NoActivePairing or UncoveredReason.VolunteerLeft or UncoveredReason.VolunteerPaused;

    private static bool GetsReadySuggestions(UncoveredReason reason) => reason is UncoveredReason.VolunteerLeft or UncoveredReason.VolunteerPaused;

    private static string PlanIdOf(IEnumerable<PlanProposal> proposals)
    {
        var text = new StringBuilder();
        foreach (var p in proposals)
        {
            text.Append(p.NeedId).Append('\t').Append(p.VolunteerId).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private List<SuggestedVolunteer> Rank(MatchNeed need, int take, MatchPool pool) =>
        _matcher.Suggest(need, pool, take).Select(s => new SuggestedVolunteer(s.VolunteerId, MaskedName(s.VolunteerId), s.Score, s.Factors)).ToList();

    private string MaskedName(string volunteerId) =>
        live.Volunteers.TryGetValue(volunteerId, out var v) ? Masking.Name(v.MaskedName) : string.Empty;

    private MatchPool BuildPool(List<VolunteerSummary> volunteers)
    {
        var pool = new MatchPool(MatchCells.InCellOrder(volunteers.Select(ToMatch)));
        _ = pool.Cells;
        return pool;
    }

    /// <summary>The need as the matcher sees it, with the trainings its catalogue item requires.</summary>
    private MatchNeed Match(UncoveredNeed need) => need.ToMatch() with { RequiredTrainings = catalogue.TrainingsFor(need.ItemId) };

    private MatchVolunteer ToMatch(VolunteerSummary v) => new(
        v.VolunteerId,
        v.DistrictId,
        v.Home?.Lat,
        v.Home?.Lng,
        v.Skills,
        v.Availability,
        v.AcceptedCategories,
        v.MaxTravelKm,
        v.ActivePairings,
        v.Rating,
        v.HouseholdsServed.ToHashSet(StringComparer.Ordinal),
        v.Status == VolunteerStatus.Active,
        TrainingRules.Valid(v.Trainings, catalogue, TimeZones.LocalDate(time.GetUtcNow(), zone)));

    private sealed record Ready(string HouseholdId, IReadOnlyList<SuggestedVolunteer> Suggestions, int PoolVersion);
}
