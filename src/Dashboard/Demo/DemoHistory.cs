using Boai.Orleans.Model;
using Boai.Orleans.Rules;
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

    public static async Task MakeAsync(IGrainFactory grains, DemoPairedNeed need, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        // A one-off need is done once served: it has no history, it is still to do.
        if (need.Frequency == NeedFrequency.Once)
        {
            return;
        }

        var random = new Random(StableHash(need.NeedId));
        var services = new[] { need.ItemId };

        // The latest visit: one in three just now, uploaded on time (clean); the others one or two days ago in the
        // daytime, so they upload late (flag "late").
        DateTimeOffset latestIn;
        if (random.Next(3) == 0)
        {
            latestIn = now - TimeSpan.FromMinutes(random.Next(60, 110));
        }
        else
        {
            latestIn = Daytime(now, random.Next(1, 3), random, zone);
        }

        var latestOut = latestIn + TimeSpan.FromMinutes(random.Next(45, 56));

        // Back-filled visits every 12 to 18 days before it, back to 60 days ago, in the daytime.
        var day = (int)Math.Ceiling((now - latestIn).TotalDays) + random.Next(12, 19);
        for (var k = 0; day < Days; k++, day += random.Next(12, 19))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var checkedIn = Daytime(now, day, random, zone);
            var backfill = new Backfill(
                need.VolunteerId, need.HouseholdId, need.NeedId, checkedIn, checkedIn + TimeSpan.FromMinutes(random.Next(40, 150)),
                services, "探访、聊天、量血压", Reason, DemoSeeder.Backfiller);
            await BackfillAsync(grains, $"demo-{need.NeedId}-{k}", backfill);
        }

        // One in five phones reports from a kilometre away (flag "outsideRadius").
        var away = random.Next(5) == 0;
        var at = need.Location is { } home
            ? new ReportedLocation(home.Lat + (away ? 0.01 : 0), home.Lng, 15)
            : null;
        var visit = grains.Visit(need.VolunteerId, $"demo-{need.NeedId}-latest");
        Check(await visit.CheckIn(new CheckIn(need.VolunteerId, need.HouseholdId, need.NeedId, latestIn, at)));
        Check(await visit.CheckOut(new CheckOut(need.VolunteerId, latestOut, at, services, "陪同聊天，检查家居安全")));
    }

    /// <summary>
    /// A volunteer of the district without a pairing who still served lately (a free clinic, an outing): one
    /// back-filled visit at one of the district's households within the last four weeks, for most of them.
    /// </summary>
    public static async Task ServedWithoutPairingAsync(
        IGrainFactory grains, string volunteerId, IReadOnlyList<string> households, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var random = new Random(StableHash(volunteerId));
        if (households.Count == 0 || random.Next(4) == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var checkedIn = Daytime(now, random.Next(3, 28), random, zone);
        var backfill = new Backfill(
            volunteerId, households[random.Next(households.Count)], null, checkedIn, checkedIn + TimeSpan.FromMinutes(random.Next(60, 180)),
            [], "社区义诊活动", Reason, DemoSeeder.Backfiller);
        await BackfillAsync(grains, $"demo-{volunteerId}-event", backfill);
    }

    /// <summary>
    /// A back-fill older than <c>Rules:BackfillCertifyWithin</c> waits for a second person (四眼原则): the demo's
    /// second coordinator certifies it, as one would in a working city.
    /// </summary>
    private static async Task BackfillAsync(IGrainFactory grains, string visitId, Backfill backfill)
    {
        var visit = grains.Visit(backfill.VolunteerId, visitId);
        var recorded = await visit.Backfill(backfill);
        Check(recorded);
        if (recorded.Value!.Status == VisitStatus.CheckedOut)
        {
            Check(await visit.Certify(DemoSeeder.Reviewer));
        }
    }

    /// <summary>A local working-day time (08:00–17:00) <paramref name="daysAgo"/> days before today.</summary>
    private static DateTimeOffset Daytime(DateTimeOffset now, int daysAgo, Random random, TimeZoneInfo zone)
    {
        var day = TimeZones.LocalDate(now, zone).AddDays(-daysAgo).ToDateTime(new TimeOnly(8, 0)).AddMinutes(random.Next(0, 9 * 60));
        return new DateTimeOffset(day, zone.GetUtcOffset(day));
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
