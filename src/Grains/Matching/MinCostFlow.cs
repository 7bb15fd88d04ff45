namespace Boai.Orleans.Matching;

/// <summary>
/// Min-cost max-flow by successive shortest paths. Each round runs Dijkstra on reduced costs
/// (cost + h[u] - h[v], kept non-negative by Johnson potentials h), stops as soon as the sink is settled and
/// updates the potentials of the settled nodes only, then augments along the path. Edge costs must be
/// non-negative integers (so the zero potential is valid at the start and results are exact).
/// For a flow of F units it runs at most F rounds, each O(E log V).
/// </summary>
internal sealed class MinCostFlow
{
    private readonly int nodeCount;
    private readonly int[] head;
    private int[] to;
    private int[] next;
    private int[] capacity;
    private long[] cost;
    private int edgeCount;

    public MinCostFlow(int nodeCount, int edgeHint)
    {
        this.nodeCount = nodeCount;
        head = new int[nodeCount];
        Array.Fill(head, -1);
        var size = Math.Max(2, 2 * edgeHint);
        to = new int[size];
        next = new int[size];
        capacity = new int[size];
        cost = new long[size];
    }

    /// <summary>Adds an edge and its residual twin; returns the edge's id (the twin is id ^ 1).</summary>
    public int AddEdge(int from, int toNode, int edgeCapacity, long edgeCost)
    {
        if (edgeCost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(edgeCost), "Costs must be non-negative.");
        }

        if (edgeCount + 2 > to.Length)
        {
            var size = to.Length * 2;
            Array.Resize(ref to, size);
            Array.Resize(ref next, size);
            Array.Resize(ref capacity, size);
            Array.Resize(ref cost, size);
        }

        var id = edgeCount;
        Link(id, from, toNode, edgeCapacity, edgeCost);
        Link(id + 1, toNode, from, 0, -edgeCost);
        edgeCount += 2;
        return id;
    }

    /// <summary>Flow on an edge after <see cref="Run"/>.</summary>
    public int Flow(int edge) => capacity[edge ^ 1];

    /// <summary>Pushes as much flow as possible from source to sink at minimum total cost.</summary>
    public (int Flow, long Cost) Run(int source, int sink)
    {
        var potential = new long[nodeCount];
        var distance = new long[nodeCount];
        var previousEdge = new int[nodeCount];
        var settled = new bool[nodeCount];
        var settledOrder = new int[nodeCount];
        var queue = new PriorityQueue<int, long>();
        var flow = 0;
        long totalCost = 0;
        while (true)
        {
            Array.Fill(distance, long.MaxValue);
            Array.Clear(settled);
            queue.Clear();
            distance[source] = 0;
            queue.Enqueue(source, 0);
            var settledCount = 0;
            while (queue.TryDequeue(out var u, out var d))
            {
                if (settled[u])
                {
                    continue;
                }

                settled[u] = true;
                settledOrder[settledCount++] = u;
                if (u == sink)
                {
                    break;
                }

                for (var e = head[u]; e >= 0; e = next[e])
                {
                    var v = to[e];
                    if (capacity[e] == 0 || settled[v])
                    {
                        continue;
                    }

                    var candidate = d + cost[e] + potential[u] - potential[v];
                    if (candidate < distance[v])
                    {
                        distance[v] = candidate;
                        previousEdge[v] = e;
                        queue.Enqueue(v, candidate);
                    }
                }
            }

            if (!settled[sink])
            {
                return (flow, totalCost);
            }

            // Only settled nodes move (by their distance short of the sink's): reduced costs stay non-negative
            // everywhere, and those along the path become zero, so its residual twins are valid too.
            var sinkDistance = distance[sink];
            for (var k = 0; k < settledCount; k++)
            {
                var v = settledOrder[k];
                potential[v] += distance[v] - sinkDistance;
            }

            var push = int.MaxValue;
            for (var v = sink; v != source; v = to[previousEdge[v] ^ 1])
            {
                push = Math.Min(push, capacity[previousEdge[v]]);
            }

            for (var v = sink; v != source; v = to[previousEdge[v] ^ 1])
            {
                var e = previousEdge[v];
                capacity[e] -= push;
                capacity[e ^ 1] += push;
                totalCost += push * cost[e];
            }

            flow += push;
        }
    }

    private void Link(int id, int from, int toNode, int edgeCapacity, long edgeCost)
    {
        to[id] = toNode;
        capacity[id] = edgeCapacity;
        cost[id] = edgeCost;
        next[id] = head[from];
        head[from] = id;
    }
}
