using BenchmarkDotNet.Attributes;
using Boai.Orleans.Matching;

namespace Boai.Orleans.Bench.Micro;

/// <summary>Matching over one district of 5,000 volunteers: one need's suggestions, and a plan for 500 uncovered needs.</summary>
[MemoryDiagnoser]
public class MatchingBenchmarks
{
    private readonly Matcher matcher = new();
    private readonly DistrictPlanner planner = new();
    private MatchVolunteer[] volunteers = [];
    private MatchPool pool = null!;
    private MatchNeed[] needs = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        volunteers = MatchingBenchmarkData.Volunteers(5_000, seed: 1);
        pool = new MatchPool(volunteers);
        needs = MatchingBenchmarkData.Needs(500, seed: 2);
    }

    /// <summary>Top 10 for one need over a prepared pool: what the suggestions endpoint does.</summary>
    [Benchmark]
    public IReadOnlyList<Suggestion> Suggest_top10_of_5000()
    {
        next = (next + 1) % needs.Length;
        return matcher.Suggest(needs[next], pool);
    }

    /// <summary>The same from a plain list: includes preparing the pool.</summary>
    [Benchmark]
    public IReadOnlyList<Suggestion> Suggest_top10_of_5000_unprepared()
    {
        next = (next + 1) % needs.Length;
        return matcher.Suggest(needs[next], volunteers);
    }

    [Benchmark]
    public MatchPool Prepare_pool_of_5000() => new(volunteers);

    /// <summary>Whole-district plan: 500 uncovered needs over 5,000 volunteers.</summary>
    [Benchmark]
    public DistrictPlan Plan_500_needs_over_5000() => planner.Plan(needs, pool);
}
