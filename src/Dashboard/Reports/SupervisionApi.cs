using System.Globalization;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Supervision;

namespace Boai.Orleans.Dashboard.Reports;

public sealed record SupervisionResponseBody(string? Actions, string? TargetDate);

/// <summary>Supervision orders (督办单): operators see every district's, coordinators their districts'; the district answers.</summary>
public static class SupervisionApi
{
    public static RouteGroupBuilder MapSupervisionApi(this RouteGroupBuilder api)
    {
        api.MapGet("/supervision", All)
            .WithTags("Supervision")
            .WithSummary("Supervision orders of every district the caller may see (operators: all), open first, then newest.")
            .Produces<IReadOnlyList<SupervisionOrder>>().ProducesProblem(403);
        api.MapGet("/districts/{districtId}/supervision", OfDistrict)
            .WithTags("Supervision")
            .WithSummary("A district's supervision orders, newest first; closed ones stay on record.")
            .Produces<IReadOnlyList<SupervisionOrder>>().ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/districts/{districtId}/supervision/{orderId}/response", Respond)
            .WithTags("Supervision")
            .WithSummary("The district's answer to an open order: {actions, targetDate (yyyy-MM-dd)}.")
            .Produces<SupervisionOrder>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    private static async Task<IResult> All(Caller caller, Access access, IGrainFactory grains, DistrictDirectory districts)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var lists = await Task.WhenAll(districts.All.Where(d => caller.CoversDistrict(d.DistrictId))
            .Select(d => grains.GetGrain<ISupervisionGrain>(d.DistrictId).GetOrders()));
        return TypedResults.Ok(lists.SelectMany(o => o).OrderByDescending(o => o.Open).ThenByDescending(o => o.OpenedAt).ToList());
    }

    private static async Task<IResult> OfDistrict(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await grains.GetGrain<ISupervisionGrain>(districtId).GetOrders());
    }

    private static async Task<IResult> Respond(
        string districtId, string orderId, SupervisionResponseBody body, Caller caller, Access access, IGrainFactory grains, LocalCalendar calendar)
    {
        var v = new Validation();
        var actions = v.Text("actions", body.Actions, 1000);
        DateOnly target = default;
        if (!DateOnly.TryParseExact(body.TargetDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out target))
        {
            v.Add("targetDate", "格式 yyyy-MM-dd / A date as yyyy-MM-dd");
        }
        else if (target < calendar.Today)
        {
            v.Add("targetDate", "不应早于今天 / Must not be in the past");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        return (await grains.GetGrain<ISupervisionGrain>(districtId).Respond(orderId, actions, target, caller.Sub)).ToOk(o => o);
    }
}
