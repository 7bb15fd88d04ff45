using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class DistrictAggregateTests(DomainCluster domain)
{
    private const string District = "xiaolan";

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task District_aggregates_equal_a_recount_after_1000_random_operations()
    {
        var random = new Random(20261123);
        var volunteers = new List<string>();
        var households = new List<string>();
        var openVisits = new Dictionary<string, string>();
        for (var i = 0; i < 8; i++)
        {
            volunteers.Add(await Seed.VolunteerAsync(Grains, District));
            households.Add(await Seed.HouseholdAsync(Grains, District));
        }

        for (var op = 0; op < 1_000; op++)
        {
            var volunteer = volunteers[random.Next(volunteers.Count)];
            var household = households[random.Next(households.Count)];
            var h = Grains.GetGrain<IHouseholdGrain>(household);
            switch (random.Next(7))
            {
                case 0:
                    await Seed.NeedAsync(Grains, household);
                    break;
                case 1:
                    var file = await h.Get();
                    if (file!.Needs.FirstOrDefault(n => n.Open) is { } need)
                    {
                        await h.CreatePairing(volunteer, need.NeedId, "c");
                    }

                    break;
                case 2:
                    var pairing = (await h.Get())!.Pairings.FirstOrDefault(p => p.Status == "active");
                    if (pairing is not null)
                    {
                        await h.EndPairing(pairing.PairingId, "c");
                    }

                    break;
                case 3:
                    var v = Grains.GetGrain<IVolunteerGrain>(volunteer);
                    var profile = (await v.Get())!.Profile;
                    var status = profile.Status == VolunteerStatus.Active ? VolunteerStatus.Paused : VolunteerStatus.Active;
                    await v.Upsert(profile with { Status = status }, "c");
                    break;
                case 4 or 5:
                    if (openVisits.Remove(volunteer, out var open))
                    {
                        await Grains.Visit(volunteer, open).CheckOut(new CheckOut(volunteer, domain.Clock.GetUtcNow(), Seed.AtHome, [], null));
                    }
                    else
                    {
                        var visitId = Seed.Unique("visit");
                        var checkIn = await Grains.Visit(volunteer, visitId).CheckIn(new CheckIn(volunteer, household, null, domain.Clock.GetUtcNow().AddMinutes(-30), Seed.AtHome));
                        if (checkIn.Succeeded)
                        {
                            openVisits[volunteer] = visitId;
                        }
                    }

                    break;
                default:
                    var closeable = (await h.Get())!.Needs.FirstOrDefault(n => n.Open);
                    if (closeable is not null && random.Next(3) == 0)
                    {
                        await h.CloseNeed(closeable.NeedId, "c");
                    }

                    break;
            }
        }

        await DomainCluster.SettledAsync(Grains);
        var summary = await Grains.GetGrain<IDistrictGrain>(District).GetSummary();
        var files = await Task.WhenAll(households.Select(id => Grains.GetGrain<IHouseholdGrain>(id).Get()));
        var views = await Task.WhenAll(volunteers.Select(id => Grains.GetGrain<IVolunteerGrain>(id).Get()));
        var uncovered = await Grains.GetGrain<IDistrictGrain>(District).GetUncovered();

        var openNeeds = files.SelectMany(f => f!.Needs).Where(n => n.Open).ToList();
        Assert.Equal(households.Count, summary.Households);
        Assert.Equal(openNeeds.Count, summary.OpenNeeds);
        Assert.Equal(openNeeds.Count(n => !n.Coverage.Covered), summary.UncoveredNeeds);
        Assert.Equal(openNeeds.Where(n => !n.Coverage.Covered).Select(n => n.NeedId).Order(), uncovered.Select(u => u.NeedId).Order());
        Assert.Equal(views.Count(v => v!.VisitInProgress is not null), summary.ActiveVisits);
        Assert.Equal(openVisits.Count, summary.ActiveVisits);
        Assert.Equal(views.Count(v => v!.Profile.Status != VolunteerStatus.Left), summary.RegisteredVolunteers);
        Assert.Equal(views.Sum(v => v!.Hours.PendingHours + v.Hours.CertifiedHours), summary.HoursThisMonth, 2);
    }

    [Fact]
    public async Task District_aggregates_survive_a_reactivation()
    {
        var (_, household, _) = await Seed.PairedAsync(Grains, "guzhen");
        await Seed.NeedAsync(Grains, household);
        var district = Grains.GetGrain<IDistrictGrain>("guzhen");
        var before = await district.GetSummary();

        await domain.Cluster.DeactivateAsync(district);
        await domain.Cluster.WaitForDeactivationAsync(district);
        var after = await district.GetSummary();

        Assert.Equal(before with { ActiveVolunteerRate = 0 }, after with { ActiveVolunteerRate = 0 });
        Assert.Equal(2, after.OpenNeeds);
        Assert.Equal(1, after.UncoveredNeeds);
    }
}
