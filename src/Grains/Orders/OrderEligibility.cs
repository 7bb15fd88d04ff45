using Boai.Orleans.Districts;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;

namespace Boai.Orleans.Orders;

/// <summary>
/// Who may take an order (接单): the matcher's own hard rules (active, not overloaded, accepts the category, within
/// their travel range of the household or of its district), plus what a one-off order adds — every skill of the
/// catalogue item (the matcher counts them), and free during the order's window (weekly slots in local time; a
/// volunteer who stated no free time is not known to be busy). The one home of the rule; districts apply it to
/// their volunteers.
/// </summary>
public sealed class OrderEligibility(MatchingOptions? options, TimeZoneInfo zone)
{
    private readonly MatchScorer _scorer = new(options);

    /// <summary>The volunteers of <paramref name="pool"/> who may take the order, in pool order.</summary>
    public IReadOnlyList<string> Volunteers(OrderMatch order, MatchPool pool)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(pool);
        var query = new NeedQuery(order.Need, pool);
        var eligible = new List<string>();
        for (var i = 0; i < pool.Count; i++)
        {
            if (IsEligible(order, query, pool, i))
            {
                eligible.Add(pool[i].VolunteerId);
            }
        }

        return eligible;
    }

    /// <summary>Whether one volunteer may take the order.</summary>
    public bool Volunteer(OrderMatch order, MatchVolunteer volunteer)
    {
        var pool = new MatchPool([volunteer]);
        return IsEligible(order, new NeedQuery(order.Need, pool), pool, 0);
    }

    private bool IsEligible(OrderMatch order, NeedQuery query, MatchPool pool, int i) =>
        _scorer.TryEvaluate(query, pool, i, servedBefore: false, out var e)
        && e.SkillsMatched == order.Need.RequiredSkills.Count
        && IsFreeDuring(pool[i].FreeSlots, order.WindowStart, order.WindowEnd, zone);

    /// <summary>Whether one of the weekly free slots overlaps the window (local time of <paramref name="zone"/>).</summary>
    public static bool IsFreeDuring(IReadOnlyList<WeeklySlot> slots, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone)
    {
        if (slots.Count == 0)
        {
            return true;
        }

        var from = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var to = TimeZoneInfo.ConvertTime(end, zone).DateTime;
        if (to - from >= TimeSpan.FromDays(7))
        {
            return true;
        }

        for (var day = from.Date; day <= to.Date; day = day.AddDays(1))
        {
            foreach (var slot in slots)
            {
                if (slot.Day != day.DayOfWeek || slot.End <= slot.Start)
                {
                    continue;
                }

                var slotStart = day + slot.Start.ToTimeSpan();
                var slotEnd = day + slot.End.ToTimeSpan();
                if (slotStart < to && slotEnd > from)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>The districts an order of one district is offered in: its own and those whose centre is near enough.</summary>
public static class OrderDistricts
{
    public static IReadOnlyList<string> Near(DistrictDirectory directory, string districtId, double neighbourKm)
    {
        var home = directory.Find(districtId);
        var near = directory.All
            .Where(d => d.DistrictId != districtId && home is not null && home.Center.DistanceMetersTo(d.Center) <= neighbourKm * 1000)
            .Select(d => d.DistrictId);
        return [districtId, .. near];
    }
}
