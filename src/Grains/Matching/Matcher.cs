namespace Boai.Orleans.Matching;

/// <summary>
/// Ranks the eligible volunteers of a pool for one need (服务匹配). The caller passes the need's district's
/// volunteers plus those of neighbouring districts; the latter qualify only within their own travel range.
/// Thread-safe; options are read once, at construction.
/// </summary>
public sealed class Matcher(MatchingOptions? options = null)
{
    private readonly MatchScorer scorer = new(options);

    /// <summary>The best <paramref name="take"/> eligible volunteers, best first; ties go to the smaller id (ordinal).</summary>
    public IReadOnlyList<Suggestion> Suggest(MatchNeed need, IReadOnlyList<MatchVolunteer> pool, int take = 10) =>
        Suggest(need, new MatchPool(pool), take);

    /// <inheritdoc cref="Suggest(MatchNeed, IReadOnlyList{MatchVolunteer}, int)"/>
    public IReadOnlyList<Suggestion> Suggest(MatchNeed need, MatchPool pool, int take = 10)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        var query = new NeedQuery(need, pool);
        var size = Math.Min(take, pool.Count);
        var indexes = new int[size];
        var scores = new double[size];
        var count = scorer.Rank(query, pool, size, null, indexes, scores);
        var suggestions = new Suggestion[count];
        for (var k = 0; k < count; k++)
        {
            var factors = scorer.Explain(query, pool, indexes[k], out var total);
            suggestions[k] = new Suggestion(pool.Volunteers[indexes[k]].VolunteerId, MatchScorer.RoundScore(total), factors);
        }

        return suggestions;
    }
}
