using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>A training a catalogue item requires, named in both languages.</summary>
public sealed record RequiredTraining(string TrainingId, string Name, string NameEn);

/// <summary>A required training a volunteer lacks: never recorded (<c>expiredOn</c> null) or lapsed on that date.</summary>
public sealed record MissingTraining(string TrainingId, DateOnly? ExpiredOn);

public sealed record ExcludedVolunteer(string VolunteerId, string MaskedName, IReadOnlyList<MissingTraining> Missing);

/// <summary>Who the suggestions leave out for lack of a valid training, and which; <c>more</c>: there may be others beyond the ranking's depth.</summary>
public sealed record ExcludedVolunteers(string NeedId, string ItemId, IReadOnlyList<RequiredTraining> RequiredTrainings, int Count, bool More, IReadOnlyList<ExcludedVolunteer> Excluded);

/// <summary>Matching (服务匹配): the volunteers who fit a need best, and why.</summary>
public static class SuggestionsApi
{
    private const int DefaultTake = 10;

    /// <summary>How deep the excluded view ranks (above the district's prepared suggestions, so it always ranks afresh).</summary>
    private const int ExcludedDepth = 200;

    public static RouteGroupBuilder MapSuggestionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/needs/{needId}/suggestions", Suggest)
            .WithTags("Matching")
            .WithSummary("Volunteers of the need's district ranked for it, best first, names masked, with the score of each factor in Chinese and English.")
            .Produces<IReadOnlyList<SuggestedVolunteer>>().ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/needs/{needId}/suggestions/excluded", Excluded)
            .WithTags("Matching")
            .WithSummary("Volunteers the ranking would list for the need but leaves out because they lack a valid training the item requires (培训准入), names masked, each with the missing or lapsed training; beside the pinned suggestions, which stay a plain array.")
            .Produces<ExcludedVolunteers>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>
    /// Ranks the need's district twice, with and without the training gate (the same matcher, so every other rule
    /// holds): who is in the ungated ranking and not in the gated one was left out for a training alone. Both rankings
    /// go <see cref="ExcludedDepth"/> deep, so the answer is exact within it and says <c>more</c> beyond.
    /// </summary>
    private static async Task<IResult> Excluded(string needId, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue, TimeProvider time, IOptions<ServiceRulesOptions> rules)
    {
        var found = await NeedOf(needId, caller, access, grains);
        if (found.Denied is not null)
        {
            return found.Denied;
        }

        var need = found.Value!;
        var required = catalogue.TrainingsFor(need.ItemId);
        var kinds = catalogue.Trainings.Where(k => required.Contains(k.TrainingId)).ToList();
        var trainings = kinds.Select(k => new RequiredTraining(k.TrainingId, k.Name, k.NameEn)).ToList();
        if (required.Count == 0)
        {
            return TypedResults.Ok(new ExcludedVolunteers(needId, need.ItemId, trainings, 0, false, []));
        }

        var district = grains.GetGrain<IDistrictGrain>(need.DistrictId);
        var ungated = await district.Suggest(need.ToMatch() with { RequiredTrainings = [] }, ExcludedDepth);
        var gated = (await district.Suggest(need.ToMatch() with { RequiredTrainings = required }, ExcludedDepth)).Select(s => s.VolunteerId).ToHashSet(StringComparer.Ordinal);
        var left = ungated.Where(s => !gated.Contains(s.VolunteerId)).ToList();
        var today = TimeZones.LocalDate(time.GetUtcNow(), TimeZones.Find(rules.Value.TimeZone));
        var views = await Task.WhenAll(left.Select(s => grains.GetGrain<IVolunteerGrain>(s.VolunteerId).Get()));
        var excluded = left.Select((s, i) =>
        {
            var valid = TrainingRules.Valid(views[i]?.Trainings, catalogue, today);
            var missing = kinds.Where(k => !valid.Contains(k.TrainingId))
                .Select(k => new MissingTraining(k.TrainingId, TrainingRules.LastExpiry(views[i]?.Trainings, k)))
                .ToList();
            return new ExcludedVolunteer(s.VolunteerId, s.MaskedName, missing);
        }).ToList();
        return TypedResults.Ok(new ExcludedVolunteers(needId, need.ItemId, trainings, excluded.Count, ungated.Count >= ExcludedDepth, excluded));
    }

    private static async Task<Guarded<NeedView>> NeedOf(string needId, Caller caller, Access access, IGrainFactory grains)
    {
        if (Ids.OwnerHousehold(needId, 'n') is not { } householdId)
        {
            return Guarded<NeedView>.Deny(ApiProblems.NotFound($"需求 {needId} 不存在 / No need {needId}"));
        }

        var household = await access.Need(caller, householdId, needId);
        if (household.Denied is not null)
        {
            return Guarded<NeedView>.Deny(household.Denied);
        }

        return await grains.GetGrain<IHouseholdGrain>(householdId).GetNeed(needId) is { } need
            ? new Guarded<NeedView>(need, null)
            : Guarded<NeedView>.Deny(ApiProblems.NotFound($"需求 {needId} 不存在 / No need {needId}"));
    }

    private static async Task<IResult> Suggest(string needId, int? take, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        var found = await NeedOf(needId, caller, access, grains);
        if (found.Denied is not null)
        {
            return found.Denied;
        }

        var need = found.Value!;
        var suggestions = await grains.GetGrain<IDistrictGrain>(need.DistrictId).Suggest(need.ToMatch() with { RequiredTrainings = catalogue.TrainingsFor(need.ItemId) }, Math.Clamp(take ?? DefaultTake, 1, 50));
        return TypedResults.Ok(suggestions);
    }
}
