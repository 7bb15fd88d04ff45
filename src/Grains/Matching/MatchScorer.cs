using Boai.Orleans.Model;
using System.Runtime.CompilerServices;

namespace Boai.Orleans.Matching;

/// <summary>A need resolved against one pool's vocabularies, so the per-volunteer loop only compares integers.</summary>
internal sealed class NeedQuery
{
    public NeedQuery(MatchNeed need, MatchPool pool)
    {
        ArgumentNullException.ThrowIfNull(need);
        Need = need;
        RequiredSkills = new int[need.RequiredSkills.Count];
        for (var k = 0; k < RequiredSkills.Length; k++)
        {
            RequiredSkills[k] = pool.SkillIndex(need.RequiredSkills[k]);
        }

        Category = pool.CategoryIndex(need.Category);
        District = pool.DistrictIndex(need.DistrictId);
        if (need.Lat is { } lat && need.Lng is { } lng && double.IsFinite(lat) && double.IsFinite(lng))
        {
            HasLocation = true;
            LatRad = Geo.Radians(lat);
            Location = GeoTrig.FromDegrees(lat, lng);
        }

        ServedBy = pool.ServedBy(need.HouseholdId);
        Frequency = need.Frequency;
    }

    public MatchNeed Need { get; }

    /// <summary>Pool skill indexes; -1 for a skill no volunteer of the pool has.</summary>
    public int[] RequiredSkills { get; }

    /// <summary>Pool category index; -1 when no volunteer lists the category (only those accepting all qualify).</summary>
    public int Category { get; }

    /// <summary>Pool district index; -1 when no volunteer lives in the need's district.</summary>
    public int District { get; }

    public bool HasLocation { get; }

    public double LatRad { get; }

    public GeoTrig Location { get; }

    public int[] ServedBy { get; }

    public NeedFrequency Frequency { get; }
}

/// <summary>Everything one volunteer scores for one need, raw values kept for the explanations.</summary>
internal struct Evaluation
{
    public int SkillsMatched;
    public double DistanceKm;
    public double MaxTravelKm;
    public int FreeSlots;
    public bool ServedBefore;
    public bool ChoseCategory;
    public double Skills;
    public double Distance;
    public double Availability;
    public double Load;
    public double Continuity;
    public double Willingness;
    public double Rating;
    public double Total;
}

/// <summary>
/// The scoring rules: eligibility, the seven factors and the bounded best-N selection. One home for the rules,
/// used by both <see cref="Matcher"/> and <see cref="DistrictPlanner"/>. Options are copied at construction.
/// </summary>
internal sealed partial class MatchScorer
{
    private readonly double wSkills;
    private readonly double wDistance;
    private readonly double wAvailability;
    private readonly double wLoad;
    private readonly double wContinuity;
    private readonly double wWillingness;
    private readonly double wRating;
    private readonly double defaultMaxTravelKm;
    private readonly double defaultMaxTravelTerm;
    private readonly double distanceHalfScoreKm;
    private readonly double unknownDistanceScore;
    private readonly bool requireAllSkills;
    private readonly int minSlotMinutes;
    private readonly int freeSlotsForWeeklyNeed;
    private readonly double unratedScore;

    public MatchScorer(MatchingOptions? options)
    {
        options ??= new MatchingOptions();
        options.Validate();
        var sum = options.SkillsWeight + options.DistanceWeight + options.AvailabilityWeight + options.LoadWeight
            + options.ContinuityWeight + options.WillingnessWeight + options.RatingWeight;
        wSkills = options.SkillsWeight / sum;
        wDistance = options.DistanceWeight / sum;
        wAvailability = options.AvailabilityWeight / sum;
        wLoad = options.LoadWeight / sum;
        wContinuity = options.ContinuityWeight / sum;
        wWillingness = options.WillingnessWeight / sum;
        wRating = options.RatingWeight / sum;
        MaxPairings = options.MaxPairingsPerVolunteer;
        defaultMaxTravelKm = options.DefaultMaxTravelKm;
        defaultMaxTravelTerm = Geo.TermOfKm(defaultMaxTravelKm);
        distanceHalfScoreKm = options.DistanceHalfScoreKm;
        unknownDistanceScore = options.UnknownDistanceScore;
        requireAllSkills = options.RequireAllSkills;
        minSlotMinutes = options.MinSlotMinutes;
        freeSlotsForWeeklyNeed = options.FreeSlotsForWeeklyNeed;
        unratedScore = options.UnratedScore;
        CandidatesPerNeed = options.PlanCandidatesPerNeed;
        PointsPerPriority = options.PlanPointsPerPriority;
    }

    public int MaxPairings { get; }

    public int CandidatesPerNeed { get; }

    public double PointsPerPriority { get; }

    /// <summary>Points one more pairing costs on the load factor: what the planner charges per extra pairing.</summary>
    public double LoadPointsPerPairing => 100 * wLoad / MaxPairings;

    /// <summary>Scores volunteer <paramref name="i"/> for the need; false when the volunteer is not eligible.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEvaluate(NeedQuery q, MatchPool pool, int i, bool servedBefore, out Evaluation e)
    {
        e = default;
        var load = pool.ActivePairings[i];
        if (!pool.Active[i] || load >= MaxPairings)
        {
            return false;
        }

        // Only a need that requires a training reads the volunteer's record: the flat arrays stay in cache, the records
        // of 180,000 volunteers do not.
        if (q.Need.RequiredTrainings is { Count: > 0 } trainings && !Rules.TrainingRules.Covers(pool[i].Trainings, trainings))
        {
            return false;
        }

        var acceptsAll = pool.AcceptsAll[i];
        if (!acceptsAll && (q.Category < 0 || !MatchPool.HasBit(pool.CategoryBits, i * pool.CategoryWords, q.Category)))
        {
            return false;
        }

        var stated = pool.MaxTravelKm[i] > 0;
        var maxTravel = stated ? pool.MaxTravelKm[i] : defaultMaxTravelKm;
        double km;
        if (q.HasLocation && pool.HasLocation[i])
        {
            // Latitude difference alone is a lower bound of the distance: skips far volunteers in one subtraction.
            if (Math.Abs(pool.LatRad[i] - q.LatRad) * Geo.EarthRadiusKm > maxTravel)
            {
                return false;
            }

            var term = Geo.Term(q.Location, pool.Location[i]);
            if (term > (stated ? pool.MaxTravelTerm[i] : defaultMaxTravelTerm))
            {
                return false;
            }

            km = Geo.KmFromTerm(term);
        }
        else if (pool.District[i] == q.District)
        {
            km = double.NaN;
        }
        else
        {
            // Another district's volunteer qualifies only when we can tell they are within their travel range.
            return false;
        }

        var required = q.RequiredSkills;
        var matched = 0;
        var skillOffset = i * pool.SkillWords;
        for (var k = 0; k < required.Length; k++)
        {
            if (required[k] >= 0 && MatchPool.HasBit(pool.SkillBits, skillOffset, required[k]))
            {
                matched++;
            }
        }

        if (requireAllSkills && matched < required.Length)
        {
            return false;
        }

        var freeSlots = 0;
        for (var s = pool.SlotStart[i]; s < pool.SlotStart[i + 1] && pool.SlotMinutes[s] >= minSlotMinutes && pool.SlotMinutes[s] > 0; s++)
        {
            freeSlots++;
        }

        var slotsForFull = q.Frequency == NeedFrequency.Weekly ? freeSlotsForWeeklyNeed : 1;
        var rating = pool.Rating[i];

        e.SkillsMatched = matched;
        e.DistanceKm = km;
        e.MaxTravelKm = maxTravel;
        e.FreeSlots = freeSlots;
        e.ServedBefore = servedBefore;
        e.ChoseCategory = !acceptsAll;
        e.Skills = required.Length == 0 ? 1 : (double)matched / required.Length;
        e.Distance = double.IsNaN(km) ? unknownDistanceScore : 1 / (1 + (km / distanceHalfScoreKm));
        e.Availability = Math.Min(1, (double)freeSlots / slotsForFull);
        e.Load = 1 - ((double)load / MaxPairings);
        e.Continuity = servedBefore ? 1 : 0;
        // Willingness: explicitly choosing the category says more than accepting everything; being well inside
        // one's own travel range says more than being at its edge.
        e.Willingness = (0.6 * (acceptsAll ? 0.75 : 1)) + (0.4 * (double.IsNaN(km) ? 0.5 : 1 - (km / maxTravel)));
        e.Rating = rating > 0 ? (rating - 1) / 4 : unratedScore;
        e.Total = 100 * ((wSkills * e.Skills) + (wDistance * e.Distance) + (wAvailability * e.Availability) + (wLoad * e.Load)
            + (wContinuity * e.Continuity) + (wWillingness * e.Willingness) + (wRating * e.Rating));
        return true;
    }

    /// <summary>
    /// The best <paramref name="take"/> eligible volunteers (score, then id), best first, into the buffers; returns how
    /// many. A bounded heap keeps it O(n log take) with no allocation. <paramref name="allowed"/>, when given, limits
    /// the volunteers considered.
    /// </summary>
    public int Rank(NeedQuery q, MatchPool pool, int take, bool[]? allowed, int[] indexes, double[] scores) =>
        allowed is null && pool.Count >= NearFrom
            ? RankNear(q, pool, take, indexes, scores)
            : RankAll(q, pool, take, allowed, indexes, scores);

    /// <summary><see cref="Rank"/> by looking at every volunteer of the pool.</summary>
    internal int RankAll(NeedQuery q, MatchPool pool, int take, bool[]? allowed, int[] indexes, double[] scores)
    {
        take = Math.Min(take, pool.Count);
        var ranks = pool.IdRank;
        var served = q.ServedBy;
        var cursor = 0;
        var count = 0;
        for (var i = 0; i < pool.Count; i++)
        {
            if (allowed is not null && !allowed[i])
            {
                continue;
            }

            // ServedBy is ascending, like i: a moving cursor answers "served before?" in O(1).
            while (cursor < served.Length && served[cursor] < i)
            {
                cursor++;
            }

            if (!TryEvaluate(q, pool, i, cursor < served.Length && served[cursor] == i, out var e))
            {
                continue;
            }

            if (count < take)
            {
                indexes[count] = i;
                scores[count] = e.Total;
                SiftUp(indexes, scores, ranks, count);
                count++;
            }
            else if (take > 0 && IsWorse(scores[0], ranks[indexes[0]], e.Total, ranks[i]))
            {
                indexes[0] = i;
                scores[0] = e.Total;
                SiftDown(indexes, scores, ranks, 0, count);
            }
        }

        // Heap sort: moving the worst to the end each time leaves the buffers best first.
        for (var end = count - 1; end > 0; end--)
        {
            Swap(indexes, scores, 0, end);
            SiftDown(indexes, scores, ranks, 0, end);
        }

        return count;
    }

    /// <summary>Factor scores and explanations of an eligible pair, for output; not for hot loops.</summary>
    public Dictionary<string, FactorScore> Explain(NeedQuery q, MatchPool pool, int i, out double total)
    {
        if (!TryEvaluate(q, pool, i, Array.BinarySearch(q.ServedBy, i) >= 0, out var e))
        {
            throw new InvalidOperationException("Only eligible pairs are explained.");
        }

        var need = q.Need;
        var volunteer = pool.Volunteers[i];
        var missing = new List<string>();
        foreach (var skill in need.RequiredSkills)
        {
            var index = pool.SkillIndex(skill);
            if (index < 0 || !MatchPool.HasBit(pool.SkillBits, i * pool.SkillWords, index))
            {
                missing.Add(skill);
            }
        }

        total = e.Total;
        return new Dictionary<string, FactorScore>(7, StringComparer.Ordinal)
        {
            [MatchFactors.Skills] = Factor(e.Skills, wSkills, MatchTexts.Skills(e.SkillsMatched, need.RequiredSkills.Count, missing)),
            [MatchFactors.Distance] = Factor(e.Distance, wDistance,
                MatchTexts.Distance(e.DistanceKm, volunteer.DistrictId == need.DistrictId ? null : volunteer.DistrictId)),
            [MatchFactors.Availability] = Factor(e.Availability, wAvailability, MatchTexts.Availability(e.FreeSlots, need.Frequency)),
            [MatchFactors.Load] = Factor(e.Load, wLoad, MatchTexts.Load(pool.ActivePairings[i], MaxPairings)),
            [MatchFactors.Continuity] = Factor(e.Continuity, wContinuity, MatchTexts.Continuity(e.ServedBefore)),
            [MatchFactors.Willingness] = Factor(e.Willingness, wWillingness,
                MatchTexts.Willingness(need.Category, e.ChoseCategory, e.DistanceKm, e.MaxTravelKm)),
            [MatchFactors.Rating] = Factor(e.Rating, wRating, MatchTexts.Rating(pool.Rating[i])),
        };
    }

    public static double RoundScore(double score) => Math.Round(score, 2);

    private static FactorScore Factor(double score, double weight, MatchText text) =>
        new(Math.Round(score, 3), Math.Round(weight, 4), RoundScore(100 * weight * score), text.ZhCn, text.En);

    /// <summary>True when (score a, rank a) ranks below (score b, rank b): lower score, or equal score and later id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWorse(double scoreA, int rankA, double scoreB, int rankB) =>
        scoreA < scoreB || (scoreA == scoreB && rankA > rankB);

    // Min-heap on "worse": the root is the worst kept candidate, the one a better newcomer replaces.
    private static void SiftUp(int[] indexes, double[] scores, int[] ranks, int child)
    {
        while (child > 0)
        {
            var parent = (child - 1) / 2;
            if (!IsWorse(scores[child], ranks[indexes[child]], scores[parent], ranks[indexes[parent]]))
            {
                return;
            }

            Swap(indexes, scores, child, parent);
            child = parent;
        }
    }

    private static void SiftDown(int[] indexes, double[] scores, int[] ranks, int parent, int count)
    {
        while (true)
        {
            var worst = parent;
            var left = (2 * parent) + 1;
            var right = left + 1;
            if (left < count && IsWorse(scores[left], ranks[indexes[left]], scores[worst], ranks[indexes[worst]]))
            {
                worst = left;
            }

            if (right < count && IsWorse(scores[right], ranks[indexes[right]], scores[worst], ranks[indexes[worst]]))
            {
                worst = right;
            }

            if (worst == parent)
            {
                return;
            }

            Swap(indexes, scores, parent, worst);
            parent = worst;
        }
    }

    private static void Swap(int[] indexes, double[] scores, int a, int b)
    {
        (indexes[a], indexes[b]) = (indexes[b], indexes[a]);
        (scores[a], scores[b]) = (scores[b], scores[a]);
    }
}
