using Boai.Orleans.Districts;

namespace Boai.Orleans.Rules;

/// <summary>
/// The one definition of "due today" and "late": a pairing with a planned weekly slot is due on the slot's weekday
/// (local time of <see cref="ServiceRulesOptions.TimeZone"/>) unless its need was visited on an earlier day recently
/// enough that the next visit is not yet due (a fortnightly need planned on Tuesdays is due every other Tuesday; a
/// weekly need visited on Monday is not due again on Tuesday). A due visit is late when nobody checked in by the
/// slot's start plus <see cref="ServiceRulesOptions.DueTodayGrace"/>.
/// </summary>
public static class DueTodayRules
{
    public static DueVisit? Plan(PlannedVisit planned, string householdId, DateOnly today, TimeZoneInfo zone, ServiceRulesOptions rules)
    {
        if (planned.Slot.Day != today.DayOfWeek)
        {
            return null;
        }

        if (planned.LastVisitAt is { } last)
        {
            var lastDay = TimeZones.LocalDate(last, zone);
            // Visited on an earlier day of this cycle: the next visit falls due on a later slot day.
            if (lastDay < today && lastDay.AddDays((int)Math.Ceiling(planned.Cadence.TotalDays) - 1) > today)
            {
                return null;
            }
        }

        var start = At(today, planned.Slot.Start, zone);
        var end = planned.Slot.End > planned.Slot.Start ? At(today, planned.Slot.End, zone) : start;
        return new DueVisit(planned.PairingId, planned.NeedId, householdId, planned.VolunteerId, start, end, start + rules.DueTodayGrace);
    }

    /// <summary>The visit as it stands at <paramref name="now"/>: a waiting visit past its late time becomes late, once.</summary>
    public static DueVisit Advance(DueVisit visit, DateTimeOffset now) =>
        visit is { Waiting: true, LateSince: null } && now >= visit.LateAt ? visit with { LateSince = visit.LateAt } : visit;

    private static DateTimeOffset At(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
