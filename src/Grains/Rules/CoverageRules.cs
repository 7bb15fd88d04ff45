using Boai.Orleans.Households;
using Boai.Orleans.Model;

namespace Boai.Orleans.Rules;

/// <summary>Whether one need is covered now, and if not why and since when; and when to look again.</summary>
[GenerateSerializer, Immutable]
public sealed record Coverage(
    [property: Id(0)] bool Covered,
    [property: Id(1)] UncoveredReason? Reason,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] DateTimeOffset? NextCheckAt);

/// <summary>
/// The one definition of "uncovered" (DOMAIN.md): no active pairing; its volunteer left or paused; the next
/// visit overdue (last visit + cadence + grace); a reported major change not followed by a visit in time; a menu
/// order on offer longer than <see cref="Orders.OrderOptions.UnclaimedAfter"/> with nobody taking it.
/// </summary>
public static class CoverageRules
{
    public static Coverage Evaluate(
        NeedRecord need,
        IEnumerable<PairingRecord> pairingsOfNeed,
        RiskLevel risk,
        DateTimeOffset? majorChangeAt,
        DateTimeOffset? householdLastVisitAt,
        DateTimeOffset now,
        ServiceRulesOptions rules)
    {
        var pairings = pairingsOfNeed.ToList();
        var active = pairings.Where(p => p.IsActive).ToList();
        if (active.Count == 0)
        {
            return Unpaired(need, pairings);
        }

        // Served since the earliest pairing that is still active, or since the last visit if later.
        var anchor = active.Min(p => p.StartedAt);
        if (need.LastVisitAt is { } last && last > anchor)
        {
            anchor = last;
        }

        var dueAt = anchor + Cadence(need.Frequency, risk, rules) + rules.OverdueGrace;
        DateTimeOffset? next = dueAt;

        if (majorChangeAt is { } changed && (householdLastVisitAt is null || householdLastVisitAt < changed))
        {
            var deadline = changed + rules.MajorChangeVisitWithin;
            if (now >= deadline)
            {
                return new Coverage(false, UncoveredReason.MajorChangeNotVisited, deadline, null);
            }

            next = deadline < dueAt ? deadline : dueAt;
        }

        return now >= dueAt
            ? new Coverage(false, UncoveredReason.Overdue, dueAt, null)
            : new Coverage(true, null, anchor, next);
    }

    /// <summary>A live menu order: covered once taken; on offer, covered until it has waited too long for a volunteer.</summary>
    public static Coverage EvaluateOrder(Orders.OrderRef order, DateTimeOffset now, TimeSpan unclaimedAfter)
    {
        if (order.Status != Orders.OrderStatus.Open)
        {
            return new Coverage(true, null, order.OfferedSince, null);
        }

        var deadline = order.OfferedSince + unclaimedAfter;
        return now >= deadline
            ? new Coverage(false, UncoveredReason.OrderUnclaimed, deadline, null)
            : new Coverage(true, null, order.OfferedSince, deadline);
    }

    /// <summary>The longest allowed gap between visits: the need's own frequency, tightened by the household's risk level.</summary>
    public static TimeSpan Cadence(NeedFrequency frequency, RiskLevel risk, ServiceRulesOptions rules)
    {
        var own = frequency switch
        {
            NeedFrequency.Weekly => TimeSpan.FromDays(7),
            NeedFrequency.Fortnightly => TimeSpan.FromDays(14),
            NeedFrequency.Monthly => TimeSpan.FromDays(30),
            NeedFrequency.Quarterly => TimeSpan.FromDays(91),
            // A one-off need is due within a fortnight of its pairing.
            _ => TimeSpan.FromDays(14),
        };
        return rules.RiskCadence.TryGetValue(risk.ToContract(), out var byRisk) && byRisk < own ? byRisk : own;
    }

    private static Coverage Unpaired(NeedRecord need, List<PairingRecord> pairings)
    {
        // The most recent loss of service decides the reason.
        var lastLoss = pairings
            .Select(p => (p, at: p.EndedAt ?? p.SuspendedAt))
            .Where(x => x.at is not null)
            .OrderByDescending(x => x.at)
            .FirstOrDefault();

        if (lastLoss.p is null)
        {
            return new Coverage(false, UncoveredReason.NoActivePairing, need.CreatedAt, null);
        }

        var reason = lastLoss.p switch
        {
            { EndedAt: null, SuspendedAt: not null } => UncoveredReason.VolunteerPaused,
            { EndReason: PairingEnd.VolunteerLeft } => UncoveredReason.VolunteerLeft,
            _ => UncoveredReason.NoActivePairing,
        };
        return new Coverage(false, reason, lastLoss.at!.Value, null);
    }
}
