using Azure.Data.Tables;
using Boai.Orleans.Districts;
using Boai.Orleans.Model;
using Boai.Orleans.Storage;
using Boai.Orleans.Teams;
using Orleans.Storage;

namespace Boai.Orleans.Bench.DistrictScale;

/// <summary>
/// Writes one district of 越秀 size straight into its storage rows, as the district grain itself writes them
/// (<see cref="TableDistrictStore"/>: households and volunteers many to a bucket row). Minutes, where the HTTP API would
/// take hours; the district reads them all when it next activates.
/// </summary>
internal static class DistrictSeeder
{
    private static readonly string[] Skills = ["visiting", "housework", "tutoring", "medical-escort", "psychological-support", "repair"];
    private static readonly string[] Categories = ["elderly", "children", "disabled", "hardship"];
    private static readonly string[] Communities = ["悦来社区", "民众社区", "永宁社区", "新基社区", "沙口社区"];

    public static async Task SeedAsync(TableClient districts, ITableTransactions transactions, string districtId, GeoPoint centre, int volunteers, int households, int uncovered, DateTimeOffset now)
    {
        await districts.CreateIfNotExistsAsync();
        var store = new TableDistrictStore(districtId, districts, transactions);
        for (var i = 0; i < volunteers; i++)
        {
            var v = Volunteer(districtId, centre, i, now);
            store.Put(DistrictRowKind.Volunteer, v.VolunteerId, v);
            store.Put(DistrictRowKind.Activity, v.VolunteerId, VolunteerActivity.Of(v));
        }

        for (var i = 0; i < households; i++)
        {
            var h = Household(districtId, centre, i, i < uncovered, now);
            store.Put(DistrictRowKind.Household, h.HouseholdId, h);
        }

        await store.FlushAsync();
    }

    /// <summary>The district's service teams (1,400 in 越秀), through their grains: each is its own grain state.</summary>
    public static async Task SeedTeamsAsync(IGrainFactory grains, string districtId, int teams, int volunteers)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, teams), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var kind = i % 10 == 0 ? TeamKind.Professional : TeamKind.Regional;
            var profile = new TeamProfile($"服务队 {i + 1}", districtId, VolunteerId(i * (volunteers / teams)), kind, kind == TeamKind.Professional ? "medical-escort" : null, null);
            Outcome<TeamView> outcome;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    outcome = await grains.GetGrain<IServiceTeamGrain>($"ys-t{i:D5}").Upsert(profile);
                    break;
                }
                catch (InconsistentStateException) when (attempt < 3)
                {
                    // On a starved Azurite the SDK may retry an insert that had landed and meet it (409); the activation
                    // is dropped and the next one reads the stored row, as a phone's retry would find it.
                }
            }

            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException($"team {i}: {outcome.Failure?.Title}");
            }
        });
    }

    public static string VolunteerId(int i) => $"ys-v{i:D6}";

    public static string HouseholdId(int i) => $"ys-h{i:D6}";

    private static VolunteerSummary Volunteer(string districtId, GeoPoint centre, int i, DateTimeOffset now)
    {
        var random = new Random(i);
        var skills = Skills.Where(_ => random.NextDouble() < 0.35).DefaultIfEmpty("visiting").ToList();
        var day = (DayOfWeek)(i % 7);
        var start = new TimeOnly(8 + (i % 10), 0);
        return new VolunteerSummary(
            VolunteerId(i),
            districtId,
            "陈**",
            i % 50 == 0 ? VolunteerStatus.Paused : VolunteerStatus.Active,
            skills,
            [new WeeklySlot(day, start, start.AddHours(3))],
            random.NextDouble() < 0.5 ? [] : [Categories[i % Categories.Length]],
            1 + (i % 10),
            Near(centre, random),
            i % 4,
            3 + (random.NextDouble() * 2),
            i % 3 == 0 ? now.AddDays(-(i % 60)) : null,
            i % 200,
            i % 7,
            Math.Min(5, i % 200 / 40),
            []);
    }

    private static HouseholdSummary Household(string districtId, GeoPoint centre, int i, bool uncovered, DateTimeOffset now)
    {
        var random = new Random(1_000_000 + i);
        var id = HouseholdId(i);
        var category = Categories[i % Categories.Length];
        var location = Near(centre, random);
        IReadOnlyList<UncoveredNeed> open = uncovered
            ? [new UncoveredNeed(Ids.NeedId(id, 1), id, districtId, "elderly-visit", category, UncoveredReason.NoActivePairing, now.AddDays(-(i % 30)), 1 + (i % 5), ["visiting"], NeedFrequency.Weekly, location)]
            : [];
        return new HouseholdSummary(id, districtId, Communities[i % Communities.Length], category, (RiskLevel)(i % 3), 1, open, now.AddDays(7), uncovered ? null : now.AddDays(-(i % 7)));
    }

    // About 3 km around the district's centre.
    private static GeoPoint Near(GeoPoint centre, Random random) =>
        new(centre.Lat + ((random.NextDouble() - 0.5) * 0.05), centre.Lng + ((random.NextDouble() - 0.5) * 0.05));
}
