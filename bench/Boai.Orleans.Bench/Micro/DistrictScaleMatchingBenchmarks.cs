using BenchmarkDotNet.Attributes;
using Boai.Orleans.Matching;

namespace Boai.Orleans.Bench.Micro;

/// <summary>
/// A 越秀-size district's plan: 2,000 uncovered needs over 180,000 volunteers, on a pool in the volunteers' order and on
/// one in location-cell order (<see cref="MatchCells.InCellOrder"/>, as the district grain builds it): the same plan, the
/// second reading each cell's members side by side.
/// </summary>
[MemoryDiagnoser]
public class DistrictScaleMatchingBenchmarks
{
    private readonly DistrictPlanner planner = new();
    private MatchPool inputOrder = null!;
    private MatchPool cellOrder = null!;
    private MatchNeed[] needs = [];

    [GlobalSetup]
    public void Setup()
    {
        var volunteers = MatchingBenchmarkData.Volunteers(180_000, seed: 1);
        inputOrder = new MatchPool(volunteers);
        cellOrder = new MatchPool(MatchCells.InCellOrder(volunteers));
        needs = MatchingBenchmarkData.Needs(2_000, seed: 2);
    }

    [Benchmark(Baseline = true)]
    public DistrictPlan Plan_2000_needs_over_180000_in_input_order() => planner.Plan(needs, inputOrder);

    [Benchmark]
    public DistrictPlan Plan_2000_needs_over_180000_in_cell_order() => planner.Plan(needs, cellOrder);
}
