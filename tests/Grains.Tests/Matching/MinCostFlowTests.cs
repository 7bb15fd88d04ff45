using Boai.Orleans.Matching;

namespace Boai.Orleans.Grains.Tests.Matching;

public sealed class MinCostFlowTests
{
    [Fact]
    public void Finds_the_maximum_flow_at_minimum_cost()
    {
        // 0 → 1 → 3 and 0 → 2 → 3 plus a cross edge 1 → 2; max flow 4, cheapest routing costs 2·1+2·1 + 1·2+1·1 ... checked by hand below.
        var flow = new MinCostFlow(4, 5);
        var s1 = flow.AddEdge(0, 1, 3, 1);
        var s2 = flow.AddEdge(0, 2, 1, 4);
        var cross = flow.AddEdge(1, 2, 2, 1);
        var t1 = flow.AddEdge(1, 3, 1, 5);
        var t2 = flow.AddEdge(2, 3, 3, 1);

        var (total, cost) = flow.Run(0, 3);

        // Paths: 0-1-2-3 (cost 3) ×2, 0-2-3 (cost 5) ×1, 0-1-3 (cost 6) ×1.
        Assert.Equal(4, total);
        Assert.Equal(17, cost);
        Assert.Equal((3, 1, 2, 1, 3), (flow.Flow(s1), flow.Flow(s2), flow.Flow(cross), flow.Flow(t1), flow.Flow(t2)));
    }

    [Fact]
    public void Reroutes_earlier_flow_when_that_allows_more_flow()
    {
        // The assignment case greedy gets wrong: A→X is cheapest, but B can only use X.
        var flow = new MinCostFlow(6, 7);
        flow.AddEdge(0, 1, 1, 0);
        flow.AddEdge(0, 2, 1, 0);
        var ax = flow.AddEdge(1, 3, 1, 0);
        var ay = flow.AddEdge(1, 4, 1, 5);
        var bx = flow.AddEdge(2, 3, 1, 2);
        flow.AddEdge(3, 5, 1, 0);
        flow.AddEdge(4, 5, 1, 0);

        var (total, cost) = flow.Run(0, 5);

        Assert.Equal((2, 7L), (total, cost));
        Assert.Equal((0, 1, 1), (flow.Flow(ax), flow.Flow(ay), flow.Flow(bx)));
    }
}
