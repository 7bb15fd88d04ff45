using Boai.Orleans.Districts;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>A district larger than the size where matching ranks by location cells, stored many to a row.</summary>
[Collection(DomainClusterCollection.Name)]
public sealed class LargeDistrictTests(DomainCluster domain)
{
    private static readonly string[] Skills = ["visiting", "housework", "tutoring"];
    private static readonly GeoPoint Centre = new(22.6, 113.25);

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task A_large_district_reactivated_from_its_store_answers_the_same_summary_suggestions_and_plan()
    {
        var districtId = Seed.Unique("large");
        var district = Grains.GetGrain<IDistrictGrain>(districtId);
        var now = domain.Clock.GetUtcNow();
        var volunteers = Enumerable.Range(0, MatchScorer.NearFrom + 1_000).Select(i => Volunteer(districtId, i, now)).ToList();
        foreach (var chunk in volunteers.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(district.UpsertVolunteer));
        }

        var households = Enumerable.Range(0, 60).Select(i => Household(districtId, i, now)).ToList();
        await Task.WhenAll(households.Select(district.UpsertHousehold));
        var need = households[7].Uncovered[0].ToMatch();

        var summary = await district.GetSummary();
        var suggestions = await district.Suggest(need, 10);
        var plan = await district.Plan();

        await domain.Cluster.DeactivateAsync(district);
        await domain.Cluster.WaitForDeactivationAsync(district);

        Assert.Equal(summary, await district.GetSummary());
        Assert.Equal(volunteers.Count, summary.RegisteredVolunteers);
        Assert.Equal(Describe(suggestions), Describe(await district.Suggest(need, 10)));
        Assert.Equal(10, suggestions.Count);
        var replanned = await district.Plan();
        Assert.Equal(plan.PlanId, replanned.PlanId);
        Assert.Equal(60, replanned.Proposals.Count);
    }

    private static string Describe(IEnumerable<SuggestedVolunteer> suggestions) =>
        string.Join(';', suggestions.Select(s => $"{s.VolunteerId}:{s.Score}:{s.MaskedName}"));

    private static VolunteerSummary Volunteer(string districtId, int i, DateTimeOffset now)
    {
        var random = new Random(i);
        return new VolunteerSummary(
            $"{districtId}-v{i:D5}",
            districtId,
            "陈**",
            VolunteerStatus.Active,
            Skills.Where(_ => random.NextDouble() < 0.5).DefaultIfEmpty("visiting").ToList(),
            [new WeeklySlot((DayOfWeek)(i % 7), new TimeOnly(9, 0), new TimeOnly(12, 0))],
            [],
            1 + (i % 10),
            Near(random),
            i % 4,
            3 + (random.NextDouble() * 2),
            // Half a day off whole days, so no one crosses the active-volunteer window while the test runs.
            i % 3 == 0 ? now.AddDays(-(i % 60) - 0.5) : null,
            0,
            0,
            0,
            []);
    }

    private static HouseholdSummary Household(string districtId, int i, DateTimeOffset now)
    {
        var random = new Random(1_000_000 + i);
        var id = $"{districtId}-h{i:D3}";
        var location = Near(random);
        UncoveredNeed need = new(
            $"{id}-n1", id, districtId, "elderly-visit", "elderly", UncoveredReason.NoActivePairing, now.AddDays(-(i % 30)), 1 + (i % 5), ["visiting"], NeedFrequency.Weekly, location);
        return new HouseholdSummary(id, districtId, "悦来社区", "elderly", RiskLevel.General, 1, [need], now.AddDays(7), null);
    }

    // About 3 km around the centre: several location cells.
    private static GeoPoint Near(Random random) =>
        new(Centre.Lat + ((random.NextDouble() - 0.5) * 0.05), Centre.Lng + ((random.NextDouble() - 0.5) * 0.05));
}
