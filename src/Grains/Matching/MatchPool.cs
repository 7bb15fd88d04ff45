namespace Boai.Orleans.Matching;

/// <summary>
/// Volunteers prepared for matching: flat arrays, skills and categories as bit sets, locations in radians, the
/// households each volunteer served turned into an index. Build it once per change of the pool (for example
/// when a district's volunteers change) and reuse it for every suggestion and plan; it does not depend on
/// <see cref="MatchingOptions"/>, and it is immutable, so it can be shared across threads.
/// </summary>
public sealed partial class MatchPool
{
    private static readonly Comparer<int> LongestFirst = Comparer<int>.Create((a, b) => b.CompareTo(a));

    private readonly Dictionary<string, int> skillIndex;
    private readonly Dictionary<string, int> categoryIndex;
    private readonly Dictionary<string, int> districtIndex;
    private readonly Dictionary<string, int[]> servedBy;
    private readonly Dictionary<string, int> indexOf;
    private MatchCells? cells;

    public MatchPool(IReadOnlyList<MatchVolunteer> volunteers)
    {
        ArgumentNullException.ThrowIfNull(volunteers);
        skillIndex = new(StringComparer.OrdinalIgnoreCase);
        categoryIndex = new(StringComparer.OrdinalIgnoreCase);
        districtIndex = new(StringComparer.Ordinal);
        servedBy = new(StringComparer.Ordinal);
        indexOf = new(StringComparer.Ordinal);
        var n = volunteers.Count;
        Volunteers = volunteers.ToArray();
        Active = new bool[n];
        ActivePairings = new int[n];
        District = new int[n];
        HasLocation = new bool[n];
        LatRad = new double[n];
        Location = new GeoTrig[n];
        MaxTravelKm = new double[n];
        MaxTravelTerm = new double[n];
        Rating = new double[n];
        AcceptsAll = new bool[n];
        SlotStart = new int[n + 1];
        IdRank = new int[n];

        var served = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var slotMinutes = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var v = Volunteers[i] ?? throw new ArgumentException("The pool holds a null volunteer.", nameof(volunteers));
            if (!indexOf.TryAdd(v.VolunteerId, i))
            {
                throw new ArgumentException($"Volunteer {v.VolunteerId} appears twice in the pool.", nameof(volunteers));
            }

            foreach (var skill in v.Skills)
            {
                Intern(skillIndex, skill);
            }

            foreach (var category in v.AcceptedCategories)
            {
                Intern(categoryIndex, category);
            }

            foreach (var household in v.HouseholdsServed)
            {
                if (!served.TryGetValue(household, out var list))
                {
                    served[household] = list = [];
                }

                list.Add(i);
            }

            Active[i] = v.Active;
            ActivePairings[i] = v.ActivePairings;
            District[i] = Intern(districtIndex, v.DistrictId);
            if (v.HomeLat is { } lat && v.HomeLng is { } lng && double.IsFinite(lat) && double.IsFinite(lng))
            {
                HasLocation[i] = true;
                LatRad[i] = Geo.Radians(lat);
                Location[i] = GeoTrig.FromDegrees(lat, lng);
            }

            MaxTravelKm[i] = double.IsFinite(v.MaxTravelKm) && v.MaxTravelKm > 0 ? v.MaxTravelKm : 0;
            MaxTravelTerm[i] = Geo.TermOfKm(MaxTravelKm[i]);
            Rating[i] = double.IsFinite(v.Rating) && v.Rating > 0 ? Math.Clamp(v.Rating, 1, 5) : 0;
            AcceptsAll[i] = v.AcceptedCategories.Count == 0;

            // Slot lengths longest first, so counting the usable ones stops at the first short slot.
            var start = slotMinutes.Count;
            foreach (var slot in v.FreeSlots)
            {
                slotMinutes.Add((int)(slot.End - slot.Start).TotalMinutes);
            }

            slotMinutes.Sort(start, slotMinutes.Count - start, LongestFirst);
            SlotStart[i + 1] = slotMinutes.Count;
        }

        SlotMinutes = [.. slotMinutes];
        foreach (var (household, list) in served)
        {
            servedBy[household] = [.. list];
        }

        SkillWords = Math.Max(1, (skillIndex.Count + 63) / 64);
        CategoryWords = Math.Max(1, (categoryIndex.Count + 63) / 64);
        SkillBits = new ulong[n * SkillWords];
        CategoryBits = new ulong[n * CategoryWords];
        for (var i = 0; i < n; i++)
        {
            foreach (var skill in Volunteers[i].Skills)
            {
                SetBit(SkillBits, (i * SkillWords), skillIndex[skill]);
            }

            foreach (var category in Volunteers[i].AcceptedCategories)
            {
                SetBit(CategoryBits, (i * CategoryWords), categoryIndex[category]);
            }
        }

        var byId = Enumerable.Range(0, n).ToArray();
        Array.Sort(byId, (a, b) => string.CompareOrdinal(Volunteers[a].VolunteerId, Volunteers[b].VolunteerId));
        for (var rank = 0; rank < n; rank++)
        {
            IdRank[byId[rank]] = rank;
        }
    }

    // The copy of <see cref="Copy"/>: the indexes by name and id are never changed in place, so they are shared; who served
    // each household changes by replacing its list, so the map is copied and the lists shared.
    private MatchPool(MatchPool source)
    {
        skillIndex = source.skillIndex;
        categoryIndex = source.categoryIndex;
        districtIndex = source.districtIndex;
        servedBy = new Dictionary<string, int[]>(source.servedBy, StringComparer.Ordinal);
        indexOf = source.indexOf;
        Volunteers = (MatchVolunteer[])source.Volunteers.Clone();
        Active = (bool[])source.Active.Clone();
        ActivePairings = (int[])source.ActivePairings.Clone();
        District = (int[])source.District.Clone();
        HasLocation = (bool[])source.HasLocation.Clone();
        LatRad = (double[])source.LatRad.Clone();
        Location = (GeoTrig[])source.Location.Clone();
        MaxTravelKm = (double[])source.MaxTravelKm.Clone();
        MaxTravelTerm = (double[])source.MaxTravelTerm.Clone();
        Rating = (double[])source.Rating.Clone();
        AcceptsAll = (bool[])source.AcceptsAll.Clone();
        SlotStart = source.SlotStart;
        SlotMinutes = (int[])source.SlotMinutes.Clone();
        SkillWords = source.SkillWords;
        SkillBits = (ulong[])source.SkillBits.Clone();
        CategoryWords = source.CategoryWords;
        CategoryBits = (ulong[])source.CategoryBits.Clone();
        IdRank = source.IdRank;
        cells = source.cells?.Copy();
    }

    public int Count => Volunteers.Length;

    internal MatchVolunteer[] Volunteers { get; }

    internal bool[] Active { get; }

    internal int[] ActivePairings { get; }

    internal int[] District { get; }

    internal bool[] HasLocation { get; }

    internal double[] LatRad { get; }

    internal GeoTrig[] Location { get; }

    /// <summary>Stated travel limit, 0 when not stated.</summary>
    internal double[] MaxTravelKm { get; }

    /// <summary>Haversine term of the stated travel limit (<see cref="Geo.TermOfKm"/>).</summary>
    internal double[] MaxTravelTerm { get; }

    /// <summary>1..5, 0 when not rated.</summary>
    internal double[] Rating { get; }

    internal bool[] AcceptsAll { get; }

    internal int SkillWords { get; }

    internal ulong[] SkillBits { get; }

    internal int CategoryWords { get; }

    internal ulong[] CategoryBits { get; }

    /// <summary>Volunteer i's slot lengths are <c>SlotMinutes[SlotStart[i]..SlotStart[i+1]]</c>, longest first.</summary>
    internal int[] SlotStart { get; }

    internal int[] SlotMinutes { get; }

    /// <summary>Position of each volunteer in ordinal order of ids: the tie-breaker everywhere.</summary>
    internal int[] IdRank { get; }

    public MatchVolunteer this[int index] => Volunteers[index];

    /// <summary>The volunteers by home location, built on first use (thread-safe: a race builds it twice, equal).</summary>
    internal MatchCells Cells => LazyInitializer.EnsureInitialized(ref cells, () => new MatchCells(this));

    internal int SkillIndex(string skill) => skillIndex.GetValueOrDefault(skill, -1);

    internal int CategoryIndex(string category) => categoryIndex.GetValueOrDefault(category, -1);

    internal int DistrictIndex(string districtId) => districtIndex.GetValueOrDefault(districtId, -1);

    /// <summary>Volunteers who served the household before, ascending.</summary>
    internal int[] ServedBy(string householdId) => servedBy.GetValueOrDefault(householdId, []);

    internal static bool HasBit(ulong[] bits, int offset, int index) => (bits[offset + (index >> 6)] & (1UL << (index & 63))) != 0;

    private static void SetBit(ulong[] bits, int offset, int index) => bits[offset + (index >> 6)] |= 1UL << (index & 63);

    private static int Intern(Dictionary<string, int> index, string key)
    {
        if (!index.TryGetValue(key, out var value))
        {
            index[key] = value = index.Count;
        }

        return value;
    }
}
