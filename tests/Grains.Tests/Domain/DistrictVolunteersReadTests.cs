using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Boai.Orleans.Districts;
using Boai.Orleans.Model;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// A district answers before it has read its volunteers' whole records (越秀: 180,000, seconds of reading); these tests
/// hold that read open (<see cref="HeldVolunteerReads"/>) to show what happens meanwhile.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class DistrictVolunteersReadTests(DomainCluster domain)
{
    private static readonly GeoPoint Centre = new(22.6, 113.25);

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task Volunteers_updated_while_the_volunteers_are_read_are_answered_at_once_and_win_over_the_older_stored_records()
    {
        var districtId = Seed.Unique("vread");
        var district = Grains.GetGrain<IDistrictGrain>(districtId);
        var now = domain.Clock.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => district.UpsertVolunteer(Volunteer(districtId, i))));
        var household = Household(districtId, now);
        await district.UpsertHousehold(household);
        var need = household.Uncovered[0].ToMatch();
        Assert.Contains(await district.Suggest(need, 50), s => s.VolunteerId == Id(districtId, 3));
        await ColdAsync(district);

        // The district answers with its volunteers' read held open (it has read the older rows, not handed them over).
        var hold = domain.VolunteerReads.Hold(districtId);
        Assert.Equal(40, (await district.GetSummary()).RegisteredVolunteers);
        await hold.Read;

        // Volunteer 3 pauses, 4 moves to another district, a new one joins: each is acknowledged without the read.
        await district.UpsertVolunteer(Volunteer(districtId, 3) with { Status = VolunteerStatus.Paused });
        await district.RemoveVolunteer(Id(districtId, 4));
        await district.UpsertVolunteer(Volunteer(districtId, 40));

        // Matching needs the read: a caller is told so (the API's 503 with Retry-After), not left to its own timeout.
        var refused = await Assert.ThrowsAsync<TimeoutException>(() => district.Suggest(need, 50));
        Assert.Contains(districtId, refused.Message, StringComparison.Ordinal);

        hold.Release();
        var expected = Enumerable.Range(0, 40).Where(i => i != 4).Append(40).Select(i => Id(districtId, i)).Order(StringComparer.Ordinal).ToList();
        var volunteers = await district.GetVolunteers();
        Assert.Equal(expected, volunteers.Select(v => v.VolunteerId));
        Assert.Equal(VolunteerStatus.Paused, volunteers.Single(v => v.VolunteerId == Id(districtId, 3)).Status);
        var suggested = (await district.Suggest(need, 50)).Select(s => s.VolunteerId).ToList();
        Assert.DoesNotContain(Id(districtId, 3), suggested);
        Assert.DoesNotContain(Id(districtId, 4), suggested);
        Assert.Contains(Id(districtId, 40), suggested);
        Assert.Equal(40, (await district.GetSummary()).RegisteredVolunteers);

        // As stored: the next activation reads the same volunteers.
        await ColdAsync(district);
        Assert.Equal(Describe(volunteers), Describe(await district.GetVolunteers()));
    }

    [Fact]
    public async Task The_plan_right_after_a_cold_activation_waits_for_the_one_pool_being_prepared()
    {
        var districtId = Seed.Unique("vpool");
        var district = Grains.GetGrain<IDistrictGrain>(districtId);
        var now = domain.Clock.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => district.UpsertVolunteer(Volunteer(districtId, i))));
        await district.UpsertHousehold(Household(districtId, now));
        var before = await district.Plan();
        await ColdAsync(district);

        var builds = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Telemetry.MeterName && instrument.Name == "boai.matching.pool_build.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "district" && tag.Value as string == districtId)
                {
                    builds.Enqueue(districtId);
                }
            }
        });
        listener.Start();

        // Plans and suggestions asked while the volunteers are read all wait for the one pool prepared after the read.
        var hold = domain.VolunteerReads.Hold(districtId);
        await district.GetSummary();
        await hold.Read;
        var plans = Enumerable.Range(0, 3).Select(_ => district.Plan()).ToList();
        var suggestions = district.Suggest(Household(districtId, now).Uncovered[0].ToMatch(), 5);
        hold.Release();
        await Task.WhenAll(plans);
        Assert.NotEmpty(await suggestions);
        Assert.All(plans, p => Assert.Equal(before.PlanId, p.Result.PlanId));

        // A change the pool takes in place does not prepare it again; the next plan sees it.
        var proposed = Assert.Single(before.Proposals).VolunteerId;
        await district.UpsertVolunteer(Volunteer(districtId, int.Parse(proposed[^3..], CultureInfo.InvariantCulture)) with { Status = VolunteerStatus.Paused });
        var after = await district.Plan();
        Assert.NotEqual(proposed, Assert.Single(after.Proposals).VolunteerId);
        Assert.Single(builds);
    }

    private async Task ColdAsync(IDistrictGrain district)
    {
        await domain.Cluster.DeactivateAsync(district);
        await domain.Cluster.WaitForDeactivationAsync(district);
    }

    private static string Id(string districtId, int i) => $"{districtId}-v{i:D3}";

    private static string Describe(IEnumerable<VolunteerSummary> volunteers) =>
        string.Join(';', volunteers.Select(v => $"{v.VolunteerId}:{v.Status}:{v.MaskedName}"));

    private static VolunteerSummary Volunteer(string districtId, int i) => new(
        Id(districtId, i),
        districtId,
        "陈**",
        VolunteerStatus.Active,
        ["visiting"],
        [new WeeklySlot((DayOfWeek)(i % 7), new TimeOnly(9, 0), new TimeOnly(12, 0))],
        [],
        5,
        new GeoPoint(Centre.Lat + (i * 0.0005), Centre.Lng),
        0,
        4,
        null,
        0,
        0,
        0,
        []);

    private static HouseholdSummary Household(string districtId, DateTimeOffset now)
    {
        var id = $"{districtId}-h1";
        UncoveredNeed need = new(
            $"{id}-n1", id, districtId, "elderly-visit", "elderly", UncoveredReason.NoActivePairing, now.AddDays(-1), 1, ["visiting"], NeedFrequency.Weekly, Centre);
        return new HouseholdSummary(id, districtId, "悦来社区", "elderly", RiskLevel.General, 1, [need], now.AddDays(7), null);
    }
}
