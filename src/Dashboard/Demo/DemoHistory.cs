using Boai.Orleans.Model;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Dashboard.Demo;

/// <summary>A paired need of the demo whose past visits are made up: who serves it, where the household is.</summary>
public sealed record DemoPairedNeed(string VolunteerId, string HouseholdId, string NeedId, GeoPoint? Location, string ItemId, NeedFrequency Frequency);

/// <summary>
/// Past visits of a demo pairing over the last 60 days, made through the normal visit path so that every aggregate
/// (hours, stars, activity rate, coverage, the ledger) follows as it would in a working city: visits older than a
/// phone may upload are back-filled (补录) by the demo coordinator and certified; the latest one is checked in and
/// out as a phone does, some hours late or away from the household, and waits for certification (待认证).
/// </summary>
public static class DemoHistory
{
    public const int Days = 60;
    private const string Reason = "演示历史数据 / Demo history";

    public static async Task MakeAsync(IGrainFactory grains, DemoPairedNeed need, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A one-off need is done once served: it has no history, it is still to do.
        if (need.Frequency == NeedFrequency.Once)
        {
            return;
        }

        var random = new Random(StableHash(need.NeedId));
        var services = new[] { need.ItemId };

        // The latest visit: between 1.5 and 60 hours ago, so the older ones upload late (flag "late").
        var latestIn = now - TimeSpan.FromMinutes(random.Next(90, 60 * 60));
        var latestOut = latestIn + TimeSpan.FromMinutes(random.Next(45, 80));
        if (latestOut > now)
        {
            latestOut = now;
        }

        // Back-filled visits every 9 to 15 days before it, back to 60 days ago.
        var day = (now - latestIn).TotalDays + random.Next(9, 16);
        for (var k = 0; day < Days; k++, day += random.Next(9, 16))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var checkedIn = now - TimeSpan.FromDays(day) + TimeSpan.FromMinutes(random.Next(0, 240));
            var backfill = new Backfill(
                need.VolunteerId, need.HouseholdId, need.NeedId, checkedIn, checkedIn + TimeSpan.FromMinutes(random.Next(40, 150)),
                services, "探访、聊天、量血压", Reason, DemoSeeder.By);
            Check(await grains.GetGrain<IVisitGrain>($"demo-{need.NeedId}-{k}").Backfill(backfill));
        }

        // One in five phones reports from a kilometre away (flag "outsideRadius").
        var away = random.Next(5) == 0;
        var at = need.Location is { } home
            ? new ReportedLocation(home.Lat + (away ? 0.01 : 0), home.Lng, 15)
            : null;
        var visit = grains.GetGrain<IVisitGrain>($"demo-{need.NeedId}-latest");
        Check(await visit.CheckIn(new CheckIn(need.VolunteerId, need.HouseholdId, need.NeedId, latestIn, at)));
        Check(await visit.CheckOut(new CheckOut(need.VolunteerId, latestOut, at, services, "陪同聊天，检查家居安全")));
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash & int.MaxValue;
    }

    private static void Check<T>(Outcome<T> outcome)
    {
        if (outcome.Failure is { } failure)
        {
            throw new InvalidOperationException($"Demo history refused: {failure.Kind} {failure.Title}");
        }
    }
}
