namespace Boai.Orleans.Matching;

/// <summary>A volunteer's change applied to a built pool in place, so a district of 180,000 is not prepared again for one.</summary>
public sealed partial class MatchPool
{
    private static readonly Comparer<int> LongestFirstSlots = Comparer<int>.Create((a, b) => b.CompareTo(a));

    /// <summary>
    /// A pool of its own with the same volunteers: what <see cref="TryReplace"/> changes is copied (flat arrays, the cells'
    /// bounds, the map of who served each household), what it never changes is shared. Milliseconds for 180,000 volunteers, where building one takes seconds.
    /// </summary>
    internal MatchPool Copy() => new(this);

    /// <summary>
    /// Puts a volunteer's new record in place of their old one when nothing the pool indexes across volunteers changes:
    /// skills, categories and district already known to the pool, as many weekly slots, the same location cell; the
    /// households they served may change (a first visit to a household is the common change of a busy district). False
    /// otherwise (or when the volunteer is not in the pool): then build the pool again. For the pool's one owner (a
    /// grain's turn), never while another thread ranks on it.
    /// </summary>
    internal bool TryReplace(MatchVolunteer v)
    {
        if (!indexOf.TryGetValue(v.VolunteerId, out var i))
        {
            return false;
        }

        // The pool's own copies (its slot ranges, the served set made for it), never the caller's lists: those may have changed in place.
        var old = Volunteers[i];
        if (SlotStart[i + 1] - SlotStart[i] != v.FreeSlots.Count
            || DistrictIndex(v.DistrictId) < 0
            || v.Skills.Any(s => SkillIndex(s) < 0)
            || v.AcceptedCategories.Any(c => CategoryIndex(c) < 0)
            || (cells is not null && !MatchCells.SameCell(old, v)))
        {
            return false;
        }

        if (!old.HouseholdsServed.SetEquals(v.HouseholdsServed))
        {
            ReplaceServed(i, old.HouseholdsServed, v.HouseholdsServed);
        }

        Volunteers[i] = v;
        Active[i] = v.Active;
        ActivePairings[i] = v.ActivePairings;
        District[i] = DistrictIndex(v.DistrictId);
        HasLocation[i] = v.HomeLat is { } lat && v.HomeLng is { } lng && double.IsFinite(lat) && double.IsFinite(lng);
        LatRad[i] = HasLocation[i] ? Geo.Radians(v.HomeLat!.Value) : 0;
        Location[i] = HasLocation[i] ? GeoTrig.FromDegrees(v.HomeLat!.Value, v.HomeLng!.Value) : default;
        MaxTravelKm[i] = double.IsFinite(v.MaxTravelKm) && v.MaxTravelKm > 0 ? v.MaxTravelKm : 0;
        MaxTravelTerm[i] = Geo.TermOfKm(MaxTravelKm[i]);
        Rating[i] = double.IsFinite(v.Rating) && v.Rating > 0 ? Math.Clamp(v.Rating, 1, 5) : 0;
        AcceptsAll[i] = v.AcceptedCategories.Count == 0;

        var slots = v.FreeSlots.Select(s => (int)(s.End - s.Start).TotalMinutes).ToArray();
        Array.Sort(slots, LongestFirstSlots);
        slots.CopyTo(SlotMinutes, SlotStart[i]);

        Array.Clear(SkillBits, i * SkillWords, SkillWords);
        foreach (var skill in v.Skills)
        {
            SetBit(SkillBits, i * SkillWords, SkillIndex(skill));
        }

        Array.Clear(CategoryBits, i * CategoryWords, CategoryWords);
        foreach (var category in v.AcceptedCategories)
        {
            SetBit(CategoryBits, i * CategoryWords, CategoryIndex(category));
        }

        cells?.Refresh(this, i);
        return true;
    }

    /// <summary>Moves volunteer <paramref name="i"/> between the households' lists of who served them (each kept ascending; replaced, not changed).</summary>
    private void ReplaceServed(int i, IReadOnlySet<string> before, IReadOnlySet<string> after)
    {
        foreach (var household in before)
        {
            if (!after.Contains(household) && servedBy.TryGetValue(household, out var list))
            {
                int[] rest = [.. list.Where(k => k != i)];
                if (rest.Length == 0)
                {
                    servedBy.Remove(household);
                }
                else
                {
                    servedBy[household] = rest;
                }
            }
        }

        foreach (var household in after)
        {
            if (!before.Contains(household))
            {
                var list = servedBy.GetValueOrDefault(household, []);
                var at = Array.BinarySearch(list, i);
                if (at < 0)
                {
                    servedBy[household] = [.. list[..~at], i, .. list[~at..]];
                }
            }
        }
    }
}
