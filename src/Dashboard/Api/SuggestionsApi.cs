using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>Matching (服务匹配): the volunteers who fit a need best, and why.</summary>
public static class SuggestionsApi
{
    private const int DefaultTake = 10;

    public static RouteGroupBuilder MapSuggestionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/needs/{needId}/suggestions", Suggest)
            .WithTags("Matching")
            .WithSummary("Volunteers of the need's district ranked for it, best first, names masked, with the score of each factor in Chinese and English.")
            .Produces<IReadOnlyList<SuggestedVolunteer>>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Suggest(string needId, int? take, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        if (Ids.OwnerHousehold(needId, 'n') is not { } householdId)
        {
            return ApiProblems.NotFound($"需求 {needId} 不存在 / No need {needId}");
        }

        var household = await access.Need(caller, householdId, needId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        if (await grains.GetGrain<IHouseholdGrain>(householdId).GetNeed(needId) is not { } need)
        {
            return ApiProblems.NotFound($"需求 {needId} 不存在 / No need {needId}");
        }

        var suggestions = await grains.GetGrain<IDistrictGrain>(need.DistrictId).Suggest(need.ToMatch() with { RequiredTrainings = catalogue.TrainingsFor(need.ItemId) }, Math.Clamp(take ?? DefaultTake, 1, 50));
        return TypedResults.Ok(suggestions);
    }
}
