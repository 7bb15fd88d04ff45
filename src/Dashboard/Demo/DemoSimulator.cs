using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Demo;

/// <summary>
/// Makes the demo move: every second or two a paired volunteer checks in at a demo household, and checks out a little
/// later, through the visit grain like a phone would. At most <see cref="DemoOptions.MaxOpenVisits"/> visits are open.
/// </summary>
public sealed partial class DemoSimulator(
    IGrainFactory grains,
    DistrictDirectory districts,
    ServiceCatalogue catalogue,
    DemoSeeder seeder,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoSimulator> logger) : BackgroundService
{
    private sealed record OpenVisit(string VisitId, string VolunteerId, string ItemId, GeoPoint? Location, DateTimeOffset DueAt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await seeder.Seeded.WaitAsync(stoppingToken);
        var plan = DemoPlan.Make(options.Value, districts, catalogue).SelectMany(d => d.Households).ToList();
        var random = new Random(options.Value.RandomSeed);
        var open = new List<OpenVisit>();
        var every = options.Value.SimulateEvery;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(every * (0.5 + random.NextDouble()), time, stoppingToken);
            try
            {
                var now = time.GetUtcNow();
                foreach (var visit in open.Where(v => v.DueAt <= now).ToList())
                {
                    open.Remove(visit);
                    await grains.Visit(visit.VolunteerId, visit.VisitId)
                        .CheckOut(new CheckOut(visit.VolunteerId, now, Jitter(random, visit.Location), [visit.ItemId], null));
                }

                if (open.Count < options.Value.MaxOpenVisits && plan.Count > 0)
                {
                    await CheckInSomewhere(plan[random.Next(plan.Count)], open, random, now);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }
        }
    }

    private async Task CheckInSomewhere(DemoHousehold household, List<OpenVisit> open, Random random, DateTimeOffset now)
    {
        var file = await grains.GetGrain<IHouseholdGrain>(household.HouseholdId).Get();
        var pairing = file?.Pairings
            .Where(p => p.EndedAt is null && open.All(o => o.VolunteerId != p.VolunteerId))
            .OrderBy(_ => random.Next())
            .FirstOrDefault();
        if (file is null || pairing is null)
        {
            return;
        }

        var need = file.Needs.FirstOrDefault(n => n.NeedId == pairing.NeedId);
        // The phone reports a visit begun a few minutes ago, so the visit earns some hours in a demo that runs for minutes.
        var at = now - TimeSpan.FromMinutes(random.Next(10, 25));
        var visitId = $"sim-{Guid.NewGuid():N}"[..24];
        var outcome = await grains.Visit(pairing.VolunteerId, visitId)
            .CheckIn(new CheckIn(pairing.VolunteerId, household.HouseholdId, pairing.NeedId, at, Jitter(random, file.Profile.Location)));
        if (outcome.Succeeded)
        {
            open.Add(new OpenVisit(visitId, pairing.VolunteerId, need?.ItemId ?? string.Empty, file.Profile.Location, now + TimeSpan.FromSeconds(random.Next(5, 30))));
        }
    }

    private static ReportedLocation? Jitter(Random random, GeoPoint? at) =>
        at is null ? null : new ReportedLocation(at.Lat + ((random.NextDouble() - 0.5) * 0.0005), at.Lng + ((random.NextDouble() - 0.5) * 0.0005), 10);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "A simulated visit failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
