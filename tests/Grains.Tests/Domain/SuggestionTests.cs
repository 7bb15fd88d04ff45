using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class SuggestionTests(DomainCluster domain)
{
    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task An_uncovered_need_gets_the_district_volunteers_ranked_with_reasons_and_never_one_who_left()
    {
        var household = await Seed.HouseholdAsync(Grains, "sanxiang");
        var needId = await Seed.NeedAsync(Grains, household);
        var fits = await Seed.VolunteerAsync(Grains, "sanxiang");
        var left = await Seed.VolunteerAsync(Grains, "sanxiang");
        var leftGrain = Grains.GetGrain<IVolunteerGrain>(left);
        await leftGrain.Upsert((await leftGrain.Get())!.Profile with { Status = VolunteerStatus.Left }, "c");
        var need = (await Grains.GetGrain<IHouseholdGrain>(household).GetNeed(needId))!;

        var suggestions = await Grains.GetGrain<IDistrictGrain>("sanxiang").Suggest(need.ToMatch(), 10);

        var best = Assert.Single(suggestions);
        Assert.Equal(fits, best.VolunteerId);
        Assert.Contains(MatchFactors.Skills, best.Factors.Keys);
        Assert.All(best.Factors.Values, f => Assert.False(string.IsNullOrEmpty(f.ZhCn)));
    }
}
