namespace Boai.Orleans.Matching;

/// <summary>
/// Proposes pairings for all uncovered needs of a district at once: as many needs covered as possible, then the
/// highest total score, never giving a volunteer more than their remaining capacity
/// (<see cref="MatchingOptions.MaxPairingsPerVolunteer"/> minus their active pairings). Thread-safe.
/// </summary>
/// <remarks>
/// <para>Algorithm: min-cost max-flow (<see cref="MinCostFlow"/>: successive shortest paths, Dijkstra with
/// potentials) on source → need (capacity 1) → volunteer (capacity 1) → sink. Maximum flow is maximum coverage,
/// and among maximum flows the cost is minimal, where a need → volunteer edge costs the suggestion score negated
/// (shifted to stay non-negative; every unit of flow crosses exactly one such edge, so the shift changes nothing).
/// A greedy first-fit can cover fewer needs; this cannot.</para>
/// <para>Fairness: a volunteer's edge to the sink is split into unit edges whose cost grows by what the load
/// factor would lose per extra pairing (convex cost), so a plan spreads needs rather than piling them on the
/// best-scoring volunteer. Urgency: when not every need can be covered, each need's value gets
/// <see cref="MatchingOptions.PlanPointsPerPriority"/> per priority level, so the more urgent ones are kept.
/// Ties: a lower-order cost term prefers volunteers with smaller ids, and all input is sorted by id first, so
/// the plan is the same whatever the input order.</para>
/// <para>Speed: only the <see cref="MatchingOptions.PlanCandidatesPerNeed"/> best volunteers of each need become
/// edges (bounded selection, no full sort). Pruning can in principle cost coverage, so needs left unassigned get
/// a second chance: their best eligible volunteers who still have capacity are added and the flow is solved again.
/// Each need's candidates are ranked in parallel (by location cells in a large pool). 500 needs over 5,000 volunteers
/// plan in well under a second; 2,000 over 180,000 (越秀) in about 1.5 s on two cores (docs/BENCHMARKS.md).</para>
/// </remarks>
public sealed class DistrictPlanner(MatchingOptions? options = null)
{
    // Scores become integers in thousandths of a point, so the flow's arithmetic is exact.
    private const double CostScale = 1000;
    private const int MaxPriorityLevel = 10;

    private readonly MatchScorer scorer = new(options);

    public DistrictPlan Plan(IReadOnlyList<MatchNeed> needs, IReadOnlyList<MatchVolunteer> pool) => Plan(needs, new MatchPool(pool));

    public DistrictPlan Plan(IReadOnlyList<MatchNeed> needs, MatchPool pool)
    {
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(pool);
        var sorted = needs.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.NeedId, b.NeedId));
        for (var j = 1; j < sorted.Length; j++)
        {
            if (sorted[j].NeedId == sorted[j - 1].NeedId)
            {
                throw new ArgumentException($"Need {sorted[j].NeedId} appears twice.", nameof(needs));
            }
        }

        // Each need's candidates are ranked on their own (the pool is only read): in parallel, each worker with its buffers,
        // on the thread pool even when called from a grain's turn (whose scheduler runs one task at a time).
        var queries = new NeedQuery[sorted.Length];
        var candidates = new int[sorted.Length][];
        Parallel.For(
            0,
            sorted.Length,
            new ParallelOptions { TaskScheduler = TaskScheduler.Default },
            () => (Indexes: new int[scorer.CandidatesPerNeed], Scores: new double[scorer.CandidatesPerNeed]),
            (j, _, buffers) =>
            {
                queries[j] = new NeedQuery(sorted[j], pool);
                candidates[j] = buffers.Indexes[..scorer.Rank(queries[j], pool, scorer.CandidatesPerNeed, null, buffers.Indexes, buffers.Scores)];
                return buffers;
            },
            _ => { });

        var remaining = new int[pool.Count];
        for (var i = 0; i < pool.Count; i++)
        {
            remaining[i] = Math.Max(0, scorer.MaxPairings - pool.ActivePairings[i]);
        }

        var assigned = Solve(queries, candidates, pool, remaining);
        if (AddSecondChance(queries, candidates, pool, remaining, assigned))
        {
            assigned = Solve(queries, candidates, pool, remaining);
        }

        var pairings = new List<PlannedPairing>();
        var unassigned = new List<string>();
        var total = 0.0;
        for (var j = 0; j < sorted.Length; j++)
        {
            if (assigned[j] < 0)
            {
                unassigned.Add(sorted[j].NeedId);
                continue;
            }

            var factors = scorer.Explain(queries[j], pool, assigned[j], out var score);
            total += score;
            pairings.Add(new PlannedPairing(sorted[j].NeedId, sorted[j].HouseholdId, pool.Volunteers[assigned[j]].VolunteerId,
                MatchScorer.RoundScore(score), factors));
        }

        return new DistrictPlan(pairings, unassigned, MatchScorer.RoundScore(total));
    }

    /// <summary>
    /// For each unassigned need, adds its best eligible volunteers that still have capacity after the first solve
    /// and were pruned away; true when anything was added.
    /// </summary>
    private bool AddSecondChance(NeedQuery[] queries, int[][] candidates, MatchPool pool, int[] remaining, int[] assigned)
    {
        var left = (int[])remaining.Clone();
        foreach (var i in assigned)
        {
            if (i >= 0)
            {
                left[i]--;
            }
        }

        var allowed = new bool[pool.Count];
        var any = false;
        for (var i = 0; i < pool.Count; i++)
        {
            allowed[i] = left[i] > 0;
            any |= allowed[i];
        }

        if (!any)
        {
            return false;
        }

        var added = false;
        var indexes = new int[scorer.CandidatesPerNeed];
        var scores = new double[scorer.CandidatesPerNeed];
        for (var j = 0; j < queries.Length; j++)
        {
            if (assigned[j] >= 0)
            {
                continue;
            }

            var count = scorer.Rank(queries[j], pool, scorer.CandidatesPerNeed, allowed, indexes, scores);
            var extra = indexes[..count].Except(candidates[j]).ToArray();
            if (extra.Length > 0)
            {
                candidates[j] = [.. candidates[j], .. extra];
                added = true;
            }
        }

        return added;
    }

    /// <summary>Solves the flow over the candidate edges; returns each need's volunteer index, or -1.</summary>
    private int[] Solve(NeedQuery[] queries, int[][] candidates, MatchPool pool, int[] remaining)
    {
        var m = queries.Length;

        // Volunteer nodes in id order: node position is the tie-breaking cost term.
        var node = new int[pool.Count];
        Array.Fill(node, -1);
        var degree = new int[pool.Count];
        var volunteers = new List<int>();
        foreach (var list in candidates)
        {
            foreach (var i in list)
            {
                if (degree[i]++ == 0)
                {
                    volunteers.Add(i);
                }
            }
        }

        volunteers.Sort((a, b) => pool.IdRank[a].CompareTo(pool.IdRank[b]));
        var v = volunteers.Count;
        for (var k = 0; k < v; k++)
        {
            node[volunteers[k]] = m + 1 + k;
        }

        // Per need, value = score + urgency; the edge cost is (best value - value): non-negative, same optimum.
        var values = new long[m][];
        long maxValue = 0;
        for (var j = 0; j < m; j++)
        {
            var urgency = scorer.PointsPerPriority * Math.Clamp(queries[j].Need.Priority, 0, MaxPriorityLevel);
            values[j] = new long[candidates[j].Length];
            for (var c = 0; c < candidates[j].Length; c++)
            {
                scorer.TryEvaluate(queries[j], pool, candidates[j][c], Array.BinarySearch(queries[j].ServedBy, candidates[j][c]) >= 0, out var e);
                values[j][c] = (long)Math.Round((e.Total + urgency) * CostScale);
                maxValue = Math.Max(maxValue, values[j][c]);
            }
        }

        // Lexicographic cost: primary × tieScale + node position. tieScale exceeds any flow's sum of positions.
        // If that could overflow a path's cost, drop the id term: ties then follow the id-sorted input order.
        var loadCost = (long)Math.Round(scorer.LoadPointsPerPairing * CostScale);
        var maxPrimary = (double)Math.Max(maxValue, (long)scorer.MaxPairings * loadCost) + 1;
        var tieScale = ((long)m * v) + 1;
        if (maxPrimary * tieScale * (2.0 * (m + v + 2)) > long.MaxValue / 4.0)
        {
            tieScale = 1;
        }

        var source = 0;
        var sink = m + v + 1;
        // No more unit edges to the sink than needs that list the volunteer: the rest could never carry flow.
        var units = new int[v];
        for (var k = 0; k < v; k++)
        {
            units[k] = Math.Min(remaining[volunteers[k]], degree[volunteers[k]]);
        }

        var edgeCount = m + candidates.Sum(c => c.Length) + units.Sum();
        var flow = new MinCostFlow(m + v + 2, edgeCount);
        for (var j = 0; j < m; j++)
        {
            flow.AddEdge(source, 1 + j, 1, 0);
        }

        var edges = new int[m][];
        for (var j = 0; j < m; j++)
        {
            edges[j] = new int[candidates[j].Length];
            for (var c = 0; c < candidates[j].Length; c++)
            {
                var target = node[candidates[j][c]];
                var tie = tieScale > 1 ? target - m - 1 : 0;
                edges[j][c] = flow.AddEdge(1 + j, target, 1, ((maxValue - values[j][c]) * tieScale) + tie);
            }
        }

        for (var k = 0; k < v; k++)
        {
            for (var unit = 0; unit < units[k]; unit++)
            {
                flow.AddEdge(m + 1 + k, sink, 1, unit * loadCost * tieScale);
            }
        }

        flow.Run(source, sink);
        var assigned = new int[m];
        for (var j = 0; j < m; j++)
        {
            assigned[j] = -1;
            for (var c = 0; c < edges[j].Length; c++)
            {
                if (flow.Flow(edges[j][c]) > 0)
                {
                    assigned[j] = candidates[j][c];
                }
            }
        }

        return assigned;
    }
}
