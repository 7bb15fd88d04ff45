using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Live;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Microsoft.Extensions.Logging;

namespace Boai.Orleans.Districts;

/// <summary>
/// Matching (服务匹配) on the district's live state, never on a scan: suggestions for one need, the whole-district
/// plan, and the suggestions made ready unasked when a volunteer's leaving or pausing uncovers a need.
/// </summary>
public sealed partial class DistrictGrain
{
    private const string PlanAlgorithm = "minCostMaxFlow";

    // Needs whose ready suggestions are to be (re)made, with their household.
    private readonly Dictionary<string, string> _suggestionsDue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReadySuggestions> _ready = new(StringComparer.Ordinal);
    private MatchPool? _pool;
    private int _poolVersion;
    private int _stateVersion;
    private DistrictPlanView? _plan;
    private int _planVersion = -1;
    private bool _preparing;

    /// <summary>The prepared pool, rebuilt only after a volunteer of the district changed.</summary>
    private MatchPool Pool => _pool ??= new MatchPool(_volunteers.Values.Select(ToMatch).ToList());

    public Task<IReadOnlyList<SuggestedVolunteer>> Suggest(MatchNeed need, int take)
    {
        if (take <= _matching.SuggestionsWhenUncovered && _ready.TryGetValue(need.NeedId, out var ready) && ready.PoolVersion == _poolVersion)
        {
            return Task.FromResult<IReadOnlyList<SuggestedVolunteer>>(ready.Suggestions.Take(take).ToList());
        }

        return Task.FromResult<IReadOnlyList<SuggestedVolunteer>>(Rank(need, take));
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<SuggestedVolunteer>>> GetReadySuggestions()
    {
        var result = new Dictionary<string, IReadOnlyList<SuggestedVolunteer>>(StringComparer.Ordinal);
        if (_matching.SuggestionsWhenUncovered == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<SuggestedVolunteer>>>(result);
        }

        foreach (var need in _households.Values.SelectMany(h => h.Uncovered).Where(n => GetsReadySuggestions(n.Reason)))
        {
            // Made again when the volunteers changed since (or the grain was reactivated): a read is never stale.
            if (!_ready.TryGetValue(need.NeedId, out var ready) || ready.PoolVersion != _poolVersion)
            {
                ready = new ReadySuggestions(need.HouseholdId, Rank(Match(need), _matching.SuggestionsWhenUncovered), _poolVersion);
                _ready[need.NeedId] = ready;
            }

            result[need.NeedId] = ready.Suggestions;
        }

        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<SuggestedVolunteer>>>(result);
    }

    public Task<DistrictPlanView> Plan()
    {
        if (_plan is null || _planVersion != _stateVersion)
        {
            _plan = MakePlan();
            _planVersion = _stateVersion;
        }

        return Task.FromResult(_plan);
    }

    /// <summary>
    /// Min-cost max-flow over the needs no pairing serves (no pairing, volunteer left or paused): as many covered as
    /// possible, then the best total score, nobody above <see cref="MatchingOptions.MaxPairingsPerVolunteer"/>
    /// counting their active pairings. Needs that still have a paired volunteer (overdue, major change) are left out:
    /// what they need is that volunteer's visit, not a second pairing.
    /// </summary>
    private DistrictPlanView MakePlan()
    {
        var uncovered = _households.Values.SelectMany(h => h.Uncovered).ToDictionary(n => n.NeedId, StringComparer.Ordinal);
        var pairable = uncovered.Values.Where(n => IsPairable(n.Reason)).Select(n => Match(n)).ToList();
        var plan = _planner.Plan(pairable, Pool);

        var proposals = plan.Assignments.Select(a =>
        {
            var n = uncovered[a.NeedId];
            return new PlanProposal(n.NeedId, n.HouseholdId, n.ItemId, n.Category, n.Reason, n.Since, n.Priority, a.VolunteerId, MaskedName(a.VolunteerId), a.Score, a.Factors);
        }).ToList();

        var unassigned = new List<PlanUnassigned>();
        foreach (var needId in plan.UnassignedNeedIds)
        {
            var n = uncovered[needId];
            // Someone passes the hard rules for it alone: their capacity went to other needs of the plan.
            var need = Match(n);
            var why = _matcher.Suggest(need, Pool, 1).Count > 0 ? PlanWhy.CapacityUsed
                : need.RequiredTrainings is { Count: > 0 } && !Pool.Volunteers.Any(v => v.Active && TrainingRules.Covers(v.Trainings, need.RequiredTrainings)) ? PlanWhy.NoTrainedVolunteer
                : PlanWhy.NoEligibleVolunteer;
            unassigned.Add(Unassigned(n, why));
        }

        foreach (var n in uncovered.Values.Where(n => !IsPairable(n.Reason)))
        {
            unassigned.Add(Unassigned(n, n.Reason is UncoveredReason.Overdue or UncoveredReason.MajorChangeNotVisited ? PlanWhy.AlreadyPaired : PlanWhy.NotPairable));
        }

        unassigned.Sort((a, b) => a.Since.CompareTo(b.Since) is var c and not 0 ? c : string.CompareOrdinal(a.NeedId, b.NeedId));
        return new DistrictPlanView(
            DistrictId, PlanIdOf(proposals), _time.GetUtcNow(), PlanAlgorithm, _matching.MaxPairingsPerVolunteer, uncovered.Count, proposals, unassigned, plan.TotalScore);

        static PlanUnassigned Unassigned(UncoveredNeed n, string why) =>
            new(n.NeedId, n.HouseholdId, n.ItemId, n.Category, n.Reason, n.Since, n.Priority, why);
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

    private List<SuggestedVolunteer> Rank(MatchNeed need, int take) =>
        _matcher.Suggest(need, Pool, take).Select(s => new SuggestedVolunteer(s.VolunteerId, MaskedName(s.VolunteerId), s.Score, s.Factors)).ToList();

    private string MaskedName(string volunteerId) =>
        _volunteers.TryGetValue(volunteerId, out var v) ? Masking.Name(v.MaskedName) : string.Empty;

    private void HouseholdsChanged()
    {
        _stateVersion++;
        PrepareSuggestionsSoon();
    }

    /// <summary>A volunteer changed: the pool is rebuilt on next use; ready suggestions naming one who is out are made again.</summary>
    private void VolunteersChanged(string volunteerId, bool stillEligible)
    {
        _pool = null;
        _poolVersion++;
        _stateVersion++;
        if (stillEligible)
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

        PrepareSuggestionsSoon();
    }

    private void NeedUncovered(UncoveredNeed need)
    {
        if (GetsReadySuggestions(need.Reason) && _matching.SuggestionsWhenUncovered > 0)
        {
            _suggestionsDue[need.NeedId] = need.HouseholdId;
        }
        else
        {
            NeedNoLongerUncovered(need.NeedId);
        }
    }

    private void NeedNoLongerUncovered(string needId)
    {
        _suggestionsDue.Remove(needId);
        _ready.Remove(needId);
    }

    private void PrepareSuggestionsSoon()
    {
        if (_suggestionsDue.Count == 0 || _preparing)
        {
            return;
        }

        _preparing = true;
        _ = PrepareSuggestionsAsync();
    }

    /// <summary>
    /// Ranks the volunteers for each due need and publishes <see cref="SuggestionsReadyEvent"/>. Runs in a later turn
    /// of this grain, so the update that uncovered the needs is not held up by it, and its <c>needUncovered</c>
    /// events leave first.
    /// </summary>
    private async Task PrepareSuggestionsAsync()
    {
        try
        {
            await Task.Yield();
            while (_suggestionsDue.Count > 0)
            {
                var due = _suggestionsDue.ToList();
                _suggestionsDue.Clear();
                foreach (var (needId, householdId) in due)
                {
                    var need = _households.TryGetValue(householdId, out var h) ? h.Uncovered.FirstOrDefault(n => n.NeedId == needId) : null;
                    if (need is null || !GetsReadySuggestions(need.Reason))
                    {
                        _ready.Remove(needId);
                        continue;
                    }

                    var suggestions = Rank(Match(need), _matching.SuggestionsWhenUncovered);
                    _ready[needId] = new ReadySuggestions(householdId, suggestions, _poolVersion);
                    _outbox.Add(new SuggestionsReadyEvent
                    {
                        DistrictId = DistrictId,
                        NeedId = needId,
                        HouseholdId = householdId,
                        Reason = need.Reason.ToContract(),
                        Suggestions = suggestions,
                    });
                }

                await _commit.CommitAsync();
            }
        }
        catch (Exception ex)
        {
            // The suggestions route and the uncovered list make them again on the next read.
            Log.SuggestionsFailed(_logger, ex, DistrictId);
        }
        finally
        {
            _preparing = false;
        }
    }

    /// <summary>The need as the matcher sees it, with the trainings its catalogue item requires.</summary>
    private MatchNeed Match(UncoveredNeed need) => need.ToMatch() with { RequiredTrainings = _catalogue.TrainingsFor(need.ItemId) };

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
        TrainingRules.Valid(v.Trainings, _catalogue, TimeZones.LocalDate(_time.GetUtcNow(), _zone)));

    private sealed record ReadySuggestions(string HouseholdId, IReadOnlyList<SuggestedVolunteer> Suggestions, int PoolVersion);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Preparing suggestions for uncovered needs of district {DistrictId} failed")]
        public static partial void SuggestionsFailed(ILogger logger, Exception exception, string districtId);
    }
}
