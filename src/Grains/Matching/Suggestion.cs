namespace Boai.Orleans.Matching;

/// <summary>A volunteer suggested for a need, best first in a list.</summary>
/// <param name="VolunteerId">The volunteer suggested.</param>
/// <param name="Score">Total 0..100: the sum of the factors' <see cref="FactorScore.Points"/>.</param>
/// <param name="Factors">Per factor, keyed by <see cref="MatchFactors"/> (camelCase, as in JSON).</param>
[GenerateSerializer, Immutable, Alias("Boai.Matching.Suggestion")]
public sealed record Suggestion(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] double Score,
    [property: Id(2)] IReadOnlyDictionary<string, FactorScore> Factors);

/// <summary>One factor of a suggestion.</summary>
/// <param name="Score">How well the volunteer does on this factor, 0..1.</param>
/// <param name="Weight">The factor's share of the total, 0..1 (configured weights normalised to sum 1).</param>
/// <param name="Points">Contribution to the total score: 100 × Weight × Score.</param>
/// <param name="ZhCn">Explanation for a coordinator, in Chinese.</param>
/// <param name="En">The same explanation in English.</param>
[GenerateSerializer, Immutable, Alias("Boai.Matching.FactorScore")]
public sealed record FactorScore(
    [property: Id(0)] double Score,
    [property: Id(1)] double Weight,
    [property: Id(2)] double Points,
    [property: Id(3)] string ZhCn,
    [property: Id(4)] string En);

/// <summary>The factor keys of <see cref="Suggestion.Factors"/>.</summary>
public static class MatchFactors
{
    public const string Skills = "skills";
    public const string Distance = "distance";
    public const string Availability = "availability";
    public const string Load = "load";
    public const string Continuity = "continuity";
    public const string Willingness = "willingness";
    public const string Rating = "rating";

    public static IReadOnlyList<string> All { get; } = [Skills, Distance, Availability, Load, Continuity, Willingness, Rating];
}
