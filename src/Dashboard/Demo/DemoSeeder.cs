using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Demo;

/// <summary>
/// Seeds the demo through the grain interfaces once the cluster answers. Idempotent: an existing volunteer or
/// household is left as it is, so a restart (or a second dashboard) seeds nothing twice.
/// </summary>
public sealed partial class DemoSeeder(
    IGrainFactory grains,
    DistrictDirectory districts,
    ServiceCatalogue catalogue,
    IOptions<DemoOptions> options,
    IOptions<ServiceRulesOptions> rules,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const string By = "demo-seed";

    /// <summary>The demo's coordinator who back-fills its history (any district).</summary>
    public static readonly Actor Backfiller = Actor.Operator(By);

    /// <summary>The second person who certifies the demo's back-fills that wait for one.</summary>
    public const string Reviewer = "demo-reviewer";

    private readonly TimeZoneInfo _zone = TimeZones.Find(rules.Value.TimeZone);
    private readonly TaskCompletionSource _seeded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the demo data is in place (the simulator waits for it).</summary>
    public Task Seeded => _seeded.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var plan = DemoPlan.Make(options.Value, districts, catalogue);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Districts seed side by side: their grains are independent, and storage batches what they write at once.
                var created = 0;
                await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken }, async (district, token) =>
                    Interlocked.Add(ref created, await SeedAsync(district, token)));

                LogSeeded(logger, plan.Count, created);
                _seeded.TrySetResult();
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster is not there yet, or a call failed: everything done so far is skipped next time.
                LogRetry(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
            }
        }
    }

    private async Task<int> SeedAsync(DemoDistrict district, CancellationToken cancellationToken)
    {
        var created = 0;
        var today = TimeZones.LocalDate(time.GetUtcNow(), _zone);
        foreach (var ((volunteerId, profile), index) in district.Volunteers.Select((v, i) => (v, i)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var volunteer = grains.GetGrain<IVolunteerGrain>(volunteerId);
            var view = await volunteer.Get();
            if (view is null)
            {
                view = Check(await volunteer.Upsert(profile, By));
            }

            // Trainings only for a volunteer with none recorded: a volunteer seeded before trainings were gets them once.
            if (view.Trainings.Count == 0)
            {
                foreach (var training in DemoTrainings.Of(district.DistrictId, index + 1))
                {
                    Check(await volunteer.AddTraining(training.On(today)));
                }
            }
        }

        foreach (var planned in district.Households)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var household = grains.GetGrain<IHouseholdGrain>(planned.HouseholdId);
            if (await household.GetDistrict() is not null)
            {
                continue;
            }

            Check(await household.Upsert(planned.Profile, By));
            var paired = new List<DemoPairedNeed>();
            foreach (var (itemId, volunteerId) in planned.Needs)
            {
                var need = Check(await household.AddNeed(new NewNeed(itemId, null, 3, null, By)));
                if (volunteerId is not null)
                {
                    Check(await household.CreatePairing(volunteerId, need.NeedId, By, PlannedSlot(need.NeedId)));
                    paired.Add(new DemoPairedNeed(volunteerId, planned.HouseholdId, need.NeedId, planned.Profile.Location, itemId, need.Frequency));
                }
            }

            // History only for a household created now: the demo's past is made once, at its first start.
            foreach (var need in paired)
            {
                await DemoHistory.MakeAsync(grains, need, time.GetUtcNow(), _zone, cancellationToken);
            }

            created++;
        }

        if (created == district.Households.Count)
        {
            // The district was made now: its volunteers without a pairing served at events lately, as a working brigade does.
            var paired = district.Households.SelectMany(h => h.Needs).Select(n => n.VolunteerId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var households = district.Households.Select(h => h.HouseholdId).ToList();
            foreach (var (volunteerId, _) in district.Volunteers.Where(v => !paired.Contains(v.VolunteerId)))
            {
                await DemoHistory.ServedWithoutPairingAsync(grains, volunteerId, households, time.GetUtcNow(), _zone, cancellationToken);
            }
        }

        return created;
    }

    /// <summary>
    /// A weekly visit slot for a demo pairing, spread over the week and the working day by the need id, so that on any
    /// day the due-today list (今日应访) of a district holds some visits.
    /// </summary>
    private static WeeklySlot PlannedSlot(string needId)
    {
        var hash = 17;
        foreach (var c in needId)
        {
            hash = unchecked((hash * 31) + c);
        }

        hash &= int.MaxValue;
        var start = new TimeOnly(8 + (hash / 7 % 10), hash / 70 % 2 * 30);
        return new WeeklySlot((DayOfWeek)(hash % 7), start, start.AddHours(1));
    }

    private static T Check<T>(Model.Outcome<T> outcome) =>
        outcome.Failure is { } failure ? throw new InvalidOperationException($"Demo seeding refused: {failure.Kind} {failure.Title}") : outcome.Value!;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Demo data in place for {Districts} districts ({Created} households created now).")]
    private static partial void LogSeeded(ILogger logger, int districts, int created);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Demo seeding waits for the cluster.")]
    private static partial void LogRetry(ILogger logger, Exception exception);
}
