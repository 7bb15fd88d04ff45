namespace Boai.Orleans.Matching;

/// <summary>
/// Weights and limits of matching (configuration section <c>Matching</c>). Weights are relative: they are
/// normalised to sum 1, so a suggestion's score stays on 0..100 whatever numbers are configured.
/// </summary>
/// <remarks>
/// Hard rules (a volunteer failing one is never suggested): active, fewer than <see cref="MaxPairingsPerVolunteer"/>
/// pairings, accepts the need's category, within their travel distance of the household (a volunteer of another
/// district also needs both locations known). Skills are soft by default: a volunteer missing a required skill is
/// still ranked, with a low skills score, because a coordinator may pair them with a colleague or train them;
/// set <see cref="RequireAllSkills"/> to make skills hard.
/// </remarks>
public sealed class MatchingOptions
{
    public const string SectionName = "Matching";

    public double SkillsWeight { get; set; } = 30;
    public double DistanceWeight { get; set; } = 20;
    public double AvailabilityWeight { get; set; } = 15;
    public double LoadWeight { get; set; } = 10;
    public double ContinuityWeight { get; set; } = 10;
    public double WillingnessWeight { get; set; } = 5;
    public double RatingWeight { get; set; } = 10;

    /// <summary>A volunteer with this many active pairings gets no more (fairness: nobody gets everything).</summary>
    public int MaxPairingsPerVolunteer { get; set; } = 5;

    /// <summary>Travel limit of a volunteer who did not state one.</summary>
    public double DefaultMaxTravelKm { get; set; } = 10;

    /// <summary>Distance at which the distance score falls to one half (score = 1 / (1 + km / this)).</summary>
    public double DistanceHalfScoreKm { get; set; } = 2;

    /// <summary>Distance score when either location is unknown (same district only).</summary>
    public double UnknownDistanceScore { get; set; } = 0.3;

    /// <summary>Exclude volunteers missing any required skill instead of scoring them low.</summary>
    public bool RequireAllSkills { get; set; }

    /// <summary>A free slot shorter than this cannot hold a visit and is not counted.</summary>
    public int MinSlotMinutes { get; set; } = 60;

    /// <summary>Free slots a week that give a weekly need full availability score; other frequencies need one.</summary>
    public int FreeSlotsForWeeklyNeed { get; set; } = 2;

    /// <summary>Rating score (0..1) of a volunteer nobody rated yet; 0.5 is the score of a 3/5 rating.</summary>
    public double UnratedScore { get; set; } = 0.5;

    /// <summary>
    /// The district planner considers only this many best-scoring volunteers per need (plus, for needs left
    /// unassigned, the best eligible volunteers who still have capacity); it keeps planning fast.
    /// </summary>
    public int PlanCandidatesPerNeed { get; set; } = 30;

    /// <summary>
    /// Points per priority level (priority clamped to 0..10) the planner adds to a need's value, so when not every
    /// need can be covered the more urgent ones are. Reported scores never include it.
    /// </summary>
    public double PlanPointsPerPriority { get; set; } = 5;

    /// <summary>
    /// How many suggestions a district prepares, unasked, for a need uncovered because its volunteer left or paused
    /// (published as the live event <c>suggestionsReady</c> and kept for the uncovered list).
    /// </summary>
    public int SuggestionsWhenUncovered { get; set; } = 5;

    /// <summary>
    /// How long a matching call (suggestions, plan, order eligibility) waits, after a district's cold activation, for
    /// its volunteers to be read and its pool prepared (越秀 size: seconds) before it is refused as not ready yet: the
    /// API answers 503 with Retry-After. Below the dashboard's grain-call timeout (<c>Dashboard:GrainCallTimeout</c>, 10 s).
    /// </summary>
    public TimeSpan ReadyWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when a value makes matching meaningless.</summary>
    public void Validate()
    {
        double[] weights = [SkillsWeight, DistanceWeight, AvailabilityWeight, LoadWeight, ContinuityWeight, WillingnessWeight, RatingWeight];
        if (weights.Any(w => !double.IsFinite(w) || w < 0) || weights.Sum() <= 0)
        {
            throw new ArgumentException("Matching weights must be finite, non-negative and not all zero.");
        }

        Require(MaxPairingsPerVolunteer is >= 1 and <= 1000, nameof(MaxPairingsPerVolunteer));
        Require(double.IsFinite(DefaultMaxTravelKm) && DefaultMaxTravelKm > 0, nameof(DefaultMaxTravelKm));
        Require(double.IsFinite(DistanceHalfScoreKm) && DistanceHalfScoreKm > 0, nameof(DistanceHalfScoreKm));
        Require(UnknownDistanceScore is >= 0 and <= 1, nameof(UnknownDistanceScore));
        Require(MinSlotMinutes >= 0, nameof(MinSlotMinutes));
        Require(FreeSlotsForWeeklyNeed >= 1, nameof(FreeSlotsForWeeklyNeed));
        Require(UnratedScore is >= 0 and <= 1, nameof(UnratedScore));
        Require(PlanCandidatesPerNeed >= 1, nameof(PlanCandidatesPerNeed));
        Require(PlanPointsPerPriority is >= 0 and <= 100, nameof(PlanPointsPerPriority));
        Require(SuggestionsWhenUncovered is >= 0 and <= 50, nameof(SuggestionsWhenUncovered));
        Require(ReadyWait > TimeSpan.Zero, nameof(ReadyWait));
    }

    private static void Require(bool ok, string name)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"Matching option {name} is out of range.");
        }
    }
}
