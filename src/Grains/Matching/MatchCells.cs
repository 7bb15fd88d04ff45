namespace Boai.Orleans.Matching;

/// <summary>
/// A grid over a pool's volunteers by home location (cells of <see cref="CellDegrees"/>, about 280 m), each cell with
/// the best any of its volunteers could score apart from distance: most skills, fewest pairings, most free slots,
/// best rating, whether any chose categories, the farthest travel range. Ranking a need then visits cells best bound
/// first and stops when no cell left could beat the candidates it has (<see cref="MatchScorer.RankNear"/>): the same
/// answer as scanning everyone, from a few thousand volunteers instead of a district's 180,000. Built once per pool,
/// immutable afterwards.
/// </summary>
internal sealed class MatchCells
{
    /// <summary>Cell edge in degrees of latitude and longitude.</summary>
    public const double CellDegrees = 0.0025;

    // Each volunteer's cell (index into Cells), -1 without a location.
    private readonly int[] _cellOf;

    public MatchCells(MatchPool pool)
    {
        var byKey = new Dictionary<(int, int), List<int>>();
        var unlocated = new List<int>();
        for (var i = 0; i < pool.Count; i++)
        {
            if (KeyOf(pool.Volunteers[i]) is not { } key)
            {
                unlocated.Add(i);
                continue;
            }

            if (!byKey.TryGetValue(key, out var members))
            {
                byKey[key] = members = [];
            }

            members.Add(i);
        }

        Unlocated = [.. unlocated];
        Cells = [.. byKey.Select(kv => new Cell(pool, kv.Key.Item1, kv.Key.Item2, [.. kv.Value]))];
        _cellOf = new int[pool.Count];
        Array.Fill(_cellOf, -1);
        for (var c = 0; c < Cells.Length; c++)
        {
            foreach (var i in Cells[c].Members)
            {
                _cellOf[i] = c;
            }
        }
    }

    private MatchCells(int[] cellOf, int[] unlocated, Cell[] cells)
    {
        _cellOf = cellOf;
        Unlocated = unlocated;
        Cells = cells;
    }

    /// <summary>Volunteers without a home location: evaluated for every need (same district only).</summary>
    public int[] Unlocated { get; }

    public Cell[] Cells { get; }

    /// <summary>The cells of a pool's copy: <see cref="Refresh"/> replaces a cell in the array, so the array is copied; cells are immutable.</summary>
    public MatchCells Copy() => new(_cellOf, Unlocated, (Cell[])Cells.Clone());

    /// <summary>
    /// The volunteers in the order a pool ranks fastest: by location cell, so that a cell's members lie side by side in the
    /// pool's flat arrays (ranking a need reads a few cells' members; scattered over 180,000 positions, each read of each
    /// array missed the cache). Those without a location come last; ties keep their order.
    /// </summary>
    public static List<MatchVolunteer> InCellOrder(IEnumerable<MatchVolunteer> volunteers) =>
        [.. volunteers.OrderBy(v => KeyOf(v) ?? (int.MaxValue, int.MaxValue))];

    /// <summary>Whether the volunteer's new record stays in the cell (or stays without a location).</summary>
    public static bool SameCell(MatchVolunteer before, MatchVolunteer after) => KeyOf(before) == KeyOf(after);

    /// <summary>Makes the bounds of volunteer <paramref name="i"/>'s cell again after the pool changed them in place.</summary>
    public void Refresh(MatchPool pool, int i)
    {
        if (_cellOf[i] is var c and >= 0)
        {
            Cells[c] = new Cell(pool, Cells[c].LatIndex, Cells[c].LngIndex, Cells[c].Members);
        }
    }

    // Same test of a usable location as the pool's.
    private static (int, int)? KeyOf(MatchVolunteer v) =>
        v.HomeLat is { } lat && v.HomeLng is { } lng && double.IsFinite(lat) && double.IsFinite(lng)
            ? ((int)Math.Floor(lat / CellDegrees), (int)Math.Floor(lng / CellDegrees))
            : null;

    internal sealed class Cell
    {
        public Cell(MatchPool pool, int latIndex, int lngIndex, int[] members)
        {
            Members = members;
            LatIndex = latIndex;
            LngIndex = lngIndex;
            LatMinRad = Geo.Radians(latIndex * CellDegrees);
            LatMaxRad = Geo.Radians((latIndex + 1) * CellDegrees);
            LngMinRad = Geo.Radians(lngIndex * CellDegrees);
            LngMaxRad = Geo.Radians((lngIndex + 1) * CellDegrees);
            SkillBits = new ulong[pool.SkillWords];
            MinPairings = int.MaxValue;
            foreach (var i in members)
            {
                for (var w = 0; w < pool.SkillWords; w++)
                {
                    SkillBits[w] |= pool.SkillBits[(i * pool.SkillWords) + w];
                }

                if (pool.Active[i])
                {
                    MinPairings = Math.Min(MinPairings, pool.ActivePairings[i]);
                }

                MaxSlots = Math.Max(MaxSlots, pool.SlotStart[i + 1] - pool.SlotStart[i]);
                MaxRating = Math.Max(MaxRating, pool.Rating[i]);
                AnyUnrated |= pool.Rating[i] == 0;
                AnyChoseCategory |= !pool.AcceptsAll[i];
                AnyUnstatedTravel |= pool.MaxTravelKm[i] == 0;
                MaxStatedTravelKm = Math.Max(MaxStatedTravelKm, pool.MaxTravelKm[i]);
            }
        }

        public int LatIndex { get; }

        public int LngIndex { get; }

        /// <summary>Pool indexes, ascending.</summary>
        public int[] Members { get; }

        public double LatMinRad { get; }

        public double LatMaxRad { get; }

        public double LngMinRad { get; }

        public double LngMaxRad { get; }

        /// <summary>Every skill any member has.</summary>
        public ulong[] SkillBits { get; }

        /// <summary>Fewest active pairings of an active member; <see cref="int.MaxValue"/> when none is active.</summary>
        public int MinPairings { get; }

        /// <summary>Most weekly slots of a member (of any length: an upper bound of the usable ones).</summary>
        public int MaxSlots { get; }

        public double MaxRating { get; }

        public bool AnyUnrated { get; }

        public bool AnyChoseCategory { get; }

        public bool AnyUnstatedTravel { get; }

        public double MaxStatedTravelKm { get; }

        /// <summary>
        /// A lower bound of the distance from a point to anyone in the cell: the latitude gap alone, and the longitude gap
        /// at the cosines of both latitudes (hav d ≥ cos φ1 cos φ2 hav Δλ), whichever is larger.
        /// </summary>
        public double MinKm(double latRad, double cosLat, double lngRad)
        {
            var latGap = Math.Max(0, Math.Max(LatMinRad - latRad, latRad - LatMaxRad));
            var lngGap = Math.Max(0, Math.Max(LngMinRad - lngRad, lngRad - LngMaxRad));
            var byLat = latGap * Geo.EarthRadiusKm;
            if (lngGap == 0)
            {
                return byLat;
            }

            var cosFar = Math.Min(Math.Cos(LatMinRad), Math.Cos(LatMaxRad));
            var sinHalf = Math.Sqrt(Math.Max(0, cosLat * cosFar)) * Math.Sin(Math.Min(lngGap, Math.PI) / 2);
            var byLng = 2 * Geo.EarthRadiusKm * Math.Asin(Math.Min(1, sinHalf));
            return Math.Max(byLat, byLng);
        }
    }
}
