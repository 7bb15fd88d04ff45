namespace Boai.Orleans.Matching;

/// <summary>Ranking by home location (<see cref="MatchCells"/>): branch and bound over the pool's cells.</summary>
internal sealed partial class MatchScorer
{
    /// <summary>Pools at least this large are ranked by cells when the need has a location; smaller ones are simply scanned.</summary>
    public const int NearFrom = 2_000;

    // Rounding in the factor sums may differ in the last bits between the bound and a real score.
    private const double BoundSlack = 1e-6;

    /// <summary>
    /// <see cref="Rank"/> for a need with a location (one without is ranked by a scan), same answer: first the volunteers who served the household before
    /// (continuity, the one factor a cell does not bound) and those without a home location, then cells in order of
    /// the best score anyone in them could reach (<see cref="CellBound"/>), until the kept candidates are full and the
    /// next cell's bound is below the worst of them.
    /// </summary>
    internal int RankNear(NeedQuery q, MatchPool pool, int take, int[] indexes, double[] scores)
    {
        if (!q.HasLocation)
        {
            return RankAll(q, pool, take, null, indexes, scores);
        }

        take = Math.Min(take, pool.Count);
        if (take <= 0)
        {
            return 0;
        }

        var ranks = pool.IdRank;
        var served = q.ServedBy;
        var count = 0;
        foreach (var i in served)
        {
            Offer(i, true);
        }

        var cells = pool.Cells;
        foreach (var i in cells.Unlocated)
        {
            if (Array.BinarySearch(served, i) < 0)
            {
                Offer(i, false);
            }
        }

        var cosLat = Math.Cos(q.LatRad);
        var lngRad = Math.Atan2(q.Location.SinLng, q.Location.CosLng);
        var bounds = new double[cells.Cells.Length];
        var order = new int[cells.Cells.Length];
        var open = 0;
        for (var c = 0; c < cells.Cells.Length; c++)
        {
            if (CellBound(q, pool, cells.Cells[c], cosLat, lngRad) is { } bound)
            {
                bounds[open] = -bound;
                order[open] = c;
                open++;
            }
        }

        Array.Sort(bounds, order, 0, open);
        for (var k = 0; k < open; k++)
        {
            if (count == take && -bounds[k] < scores[0])
            {
                break;
            }

            foreach (var i in cells.Cells[order[k]].Members)
            {
                if (served.Length == 0 || Array.BinarySearch(served, i) < 0)
                {
                    Offer(i, false);
                }
            }
        }

        for (var end = count - 1; end > 0; end--)
        {
            Swap(indexes, scores, 0, end);
            SiftDown(indexes, scores, ranks, 0, end);
        }

        return count;

        void Offer(int i, bool servedBefore)
        {
            if (!TryEvaluate(q, pool, i, servedBefore, out var e))
            {
                return;
            }

            if (count < take)
            {
                indexes[count] = i;
                scores[count] = e.Total;
                SiftUp(indexes, scores, ranks, count);
                count++;
            }
            else if (IsWorse(scores[0], ranks[indexes[0]], e.Total, ranks[i]))
            {
                indexes[0] = i;
                scores[0] = e.Total;
                SiftDown(indexes, scores, ranks, 0, count);
            }
        }
    }

    /// <summary>
    /// The highest total any volunteer of the cell who did not serve the household could score for the need, or null
    /// when none can be eligible (nobody active with capacity, or everyone out of their travel range).
    /// </summary>
    private double? CellBound(NeedQuery q, MatchPool pool, MatchCells.Cell cell, double cosLat, double lngRad)
    {
        if (cell.MinPairings >= MaxPairings)
        {
            return null;
        }

        var maxTravel = Math.Max(cell.MaxStatedTravelKm, cell.AnyUnstatedTravel ? defaultMaxTravelKm : 0);
        var km = cell.MinKm(q.LatRad, cosLat, lngRad);
        if (km > maxTravel)
        {
            return null;
        }

        var required = q.RequiredSkills;
        var matched = 0;
        for (var k = 0; k < required.Length; k++)
        {
            if (required[k] >= 0 && MatchPool.HasBit(cell.SkillBits, 0, required[k]))
            {
                matched++;
            }
        }

        if (requireAllSkills && matched < required.Length)
        {
            return null;
        }

        var slotsForFull = q.Frequency == Model.NeedFrequency.Weekly ? freeSlotsForWeeklyNeed : 1;
        var skills = required.Length == 0 ? 1 : (double)matched / required.Length;
        var distance = 1 / (1 + (km / distanceHalfScoreKm));
        var availability = Math.Min(1, (double)cell.MaxSlots / slotsForFull);
        var load = 1 - ((double)cell.MinPairings / MaxPairings);
        var willingness = (0.6 * (cell.AnyChoseCategory ? 1 : 0.75)) + (0.4 * (1 - (km / maxTravel)));
        var rating = Math.Max(cell.MaxRating > 0 ? (cell.MaxRating - 1) / 4 : 0, cell.AnyUnrated ? unratedScore : 0);
        var total = 100 * ((wSkills * skills) + (wDistance * distance) + (wAvailability * availability) + (wLoad * load)
            + (wWillingness * willingness) + (wRating * rating));
        return total + BoundSlack;
    }
}
