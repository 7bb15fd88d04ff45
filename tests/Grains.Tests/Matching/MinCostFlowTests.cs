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

    [Fact]
    public void Matches_a_one_path_at_a_time_reference_on_random_graphs()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var nodes = random.Next(2, 12);
            var edges = new List<(int From, int To, int Capacity, long Cost)>();
            for (var k = random.Next(1, 40); k > 0; k--)
            {
                var from = random.Next(nodes);
                var to = random.Next(nodes);
                if (from != to)
                {
                    edges.Add((from, to, random.Next(1, 4), random.Next(0, 20)));
                }
            }

            var flow = new MinCostFlow(nodes, edges.Count);
            var ids = edges.Select(e => flow.AddEdge(e.From, e.To, e.Capacity, e.Cost)).ToList();
            var (total, cost) = flow.Run(0, nodes - 1);

            Assert.Equal(Reference(nodes, edges, 0, nodes - 1), (total, cost));
            Assert.Equal(cost, ids.Select((id, k) => flow.Flow(id) * edges[k].Cost).Sum());
            for (var v = 1; v < nodes - 1; v++)
            {
                Assert.Equal(
                    ids.Where((_, k) => edges[k].To == v).Sum(flow.Flow),
                    ids.Where((_, k) => edges[k].From == v).Sum(flow.Flow));
            }
        }
    }

    /// <summary>Successive shortest paths with Bellman-Ford, one unit at a time: slow, plainly right.</summary>
    private static (int Flow, long Cost) Reference(int nodes, List<(int From, int To, int Capacity, long Cost)> edges, int source, int sink)
    {
        var residual = new List<(int From, int To, int Capacity, long Cost)>();
        foreach (var e in edges)
        {
            residual.Add(e);
            residual.Add((e.To, e.From, 0, -e.Cost));
        }

        var flow = 0;
        long cost = 0;
        while (true)
        {
            var distance = Enumerable.Repeat(long.MaxValue, nodes).ToArray();
            var via = new int[nodes];
            distance[source] = 0;
            for (var round = 0; round < nodes; round++)
            {
                for (var k = 0; k < residual.Count; k++)
                {
                    var e = residual[k];
                    if (e.Capacity > 0 && distance[e.From] != long.MaxValue && distance[e.From] + e.Cost < distance[e.To])
                    {
                        distance[e.To] = distance[e.From] + e.Cost;
                        via[e.To] = k;
                    }
                }
            }

            if (distance[sink] == long.MaxValue)
            {
                return (flow, cost);
            }

            for (var v = sink; v != source; v = residual[via[v]].From)
            {
                var k = via[v];
                residual[k] = residual[k] with { Capacity = residual[k].Capacity - 1 };
                residual[k ^ 1] = residual[k ^ 1] with { Capacity = residual[k ^ 1].Capacity + 1 };
            }

            flow++;
            cost += distance[sink];
        }
    }
}
