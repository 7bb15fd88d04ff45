using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// An uncovered need on a district's list; no personal data. <c>suggestions</c> (names masked) is there for a need
/// uncovered because its volunteer left or paused: the district prepared them unasked; null otherwise.
/// </summary>
public sealed record UncoveredDto(
    string NeedId,
    string HouseholdId,
    string ItemId,
    string Category,
    UncoveredReason Reason,
    DateTimeOffset Since,
    int Priority,
    NeedFrequency Frequency,
    IReadOnlyList<SuggestedVolunteer>? Suggestions = null)
{
    public static UncoveredDto From(UncoveredNeed n, IReadOnlyList<SuggestedVolunteer>? suggestions = null) =>
        new(n.NeedId, n.HouseholdId, n.ItemId, n.Category, n.Reason, n.Since, n.Priority, n.Frequency, suggestions);
}

public sealed record HouseholdListItem(
    string HouseholdId, string Community, string Category, RiskLevel RiskLevel, int OpenNeeds, int UncoveredNeeds, DateTimeOffset? LastVisitAt);

/// <summary>A volunteer on a district's list: the name masked (陈**), no phone.</summary>
public sealed record VolunteerListItem(
    string VolunteerId,
    string Name,
    VolunteerStatus Status,
    IReadOnlyList<string> Skills,
    double CertifiedHours,
    double PendingHours,
    int StarLevel,
    int ActivePairings,
    DateTimeOffset? LastServedAt);

/// <summary>A visit due today on a district's list: the volunteer's name masked, the household by id and community only.</summary>
public sealed record DueTodayDto(
    string NeedId,
    string HouseholdId,
    string Community,
    string PairingId,
    string VolunteerId,
    string VolunteerName,
    DateTimeOffset SlotStart,
    DateTimeOffset SlotEnd,
    DueVisitState State,
    DateTimeOffset? LateSince,
    string? VisitId,
    DateTimeOffset? CheckedInAt,
    DateTimeOffset? CheckedOutAt);

/// <summary>Districts (镇区) with their live figures, and each district's lists (coordinators of it, operators).</summary>
public static class DistrictsApi
{
    public static RouteGroupBuilder MapDistrictsApi(this RouteGroupBuilder api)
    {
        var districts = api.MapGroup("/districts").WithTags("Districts");

        districts.MapGet("/", List)
            .WithSummary("Every district the caller covers with its summary figures (operators: all 24).")
            .Produces<DistrictSummary[]>().ProducesProblem(403);
        districts.MapGet("/{districtId}", Get)
            .WithSummary("One district's summary figures.")
            .Produces<DistrictSummary>().ProducesProblem(403).ProducesProblem(404);
        districts.MapGet("/{districtId}/uncovered", Uncovered)
            .WithSummary("Uncovered needs, oldest first; a need uncovered because its volunteer left or paused carries the suggestions the district prepared for it.")
            .Produces<UncoveredDto[]>().ProducesProblem(403).ProducesProblem(404);
        districts.MapGet("/{districtId}/due-today", DueToday)
            .WithSummary("Visits due today (pairings with a planned weekly slot on today's weekday, local time), by slot start: due, started, late or done.")
            .Produces<DueTodayDto[]>().ProducesProblem(403).ProducesProblem(404);
        districts.MapGet("/{districtId}/households", Households)
            .WithSummary("The district's households with their need counts (no names or addresses).")
            .Produces<HouseholdListItem[]>().ProducesProblem(403).ProducesProblem(404);
        districts.MapGet("/{districtId}/volunteers", Volunteers)
            .WithSummary("The district's volunteers, names masked.")
            .Produces<VolunteerListItem[]>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> List(Caller caller, Access access, IGrainFactory grains, DistrictDirectory directory)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var summaries = await Task.WhenAll(directory.All
            .Where(d => caller.CoversDistrict(d.DistrictId))
            .Select(d => grains.GetGrain<IDistrictGrain>(d.DistrictId).GetSummary()));
        return TypedResults.Ok(summaries);
    }

    private static async Task<IResult> Get(string districtId, Caller caller, Access access, IGrainFactory grains) =>
        access.District(caller, districtId) ?? TypedResults.Ok(await grains.GetGrain<IDistrictGrain>(districtId).GetSummary());

    private static async Task<IResult> Uncovered(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var district = grains.GetGrain<IDistrictGrain>(districtId);
        var uncovered = await district.GetUncovered();
        var ready = await district.GetReadySuggestions();
        return TypedResults.Ok(uncovered.OrderBy(n => n.Since).Select(n => UncoveredDto.From(n, ready.GetValueOrDefault(n.NeedId))).ToList());
    }

    private static async Task<IResult> DueToday(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var district = grains.GetGrain<IDistrictGrain>(districtId);
        var due = await district.GetDueToday();
        var names = (await district.GetVolunteers()).ToDictionary(v => v.VolunteerId, v => Masking.Name(v.MaskedName), StringComparer.Ordinal);
        var communities = (await district.GetHouseholds()).ToDictionary(h => h.HouseholdId, h => h.Community, StringComparer.Ordinal);
        return TypedResults.Ok(due
            .Select(d => new DueTodayDto(
                d.NeedId,
                d.HouseholdId,
                communities.GetValueOrDefault(d.HouseholdId, ""),
                d.PairingId,
                d.VolunteerId,
                names.GetValueOrDefault(d.VolunteerId, ""),
                d.SlotStart,
                d.SlotEnd,
                d.State,
                d.LateSince,
                d.VisitId,
                d.CheckedInAt,
                d.CheckedOutAt))
            .ToList());
    }

    private static async Task<IResult> Households(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var households = await grains.GetGrain<IDistrictGrain>(districtId).GetHouseholds();
        return TypedResults.Ok(households
            .OrderBy(h => h.HouseholdId, StringComparer.Ordinal)
            .Select(h => new HouseholdListItem(h.HouseholdId, h.Community, h.Category, h.RiskLevel, h.OpenNeeds, h.Uncovered.Count, h.LastVisitAt))
            .ToList());
    }

    private static async Task<IResult> Volunteers(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var volunteers = await grains.GetGrain<IDistrictGrain>(districtId).GetVolunteers();
        return TypedResults.Ok(volunteers
            .OrderBy(v => v.VolunteerId, StringComparer.Ordinal)
            .Select(v => new VolunteerListItem(
                v.VolunteerId, Masking.Name(v.MaskedName), v.Status, v.Skills, v.CertifiedHours, v.PendingHours, v.StarLevel, v.ActivePairings, v.LastServedAt))
            .ToList());
    }
}
