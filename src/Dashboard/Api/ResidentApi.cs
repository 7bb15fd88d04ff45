using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Households;
using Boai.Orleans.Orders;
using Boai.Orleans.Rules;
using Boai.Orleans.ServiceRecords;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>A resident's order as they see it: who is coming (masked name) and when.</summary>
public sealed record ResidentOrder(
    string OrderId,
    string ItemId,
    OrderStatus Status,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string? Notes,
    string? VolunteerName,
    string? VisitId,
    int? Satisfaction);

public sealed record ResidentVisit(string VisitId, string VolunteerName, DateTimeOffset CheckedInAt, DateTimeOffset? CheckedOutAt, int? Satisfaction);

public sealed record ResidentHome(string HouseholdId, string DistrictId, string Community, IReadOnlyList<ResidentOrder> Orders, IReadOnlyList<ResidentVisit> Visits);

/// <summary>A resident's order (群众点单): the household is the one of the token.</summary>
public sealed record ResidentOrderBody(string? ItemId, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, string? Notes);

public sealed record SatisfactionBody(int? Satisfaction, string? Comment);

/// <summary>
/// The resident (群众): orders from the catalogue for their own household, sees who is coming, rates the visit after
/// check-out. The household comes from the token's <c>household</c> claim, never from the request.
/// </summary>
public static class ResidentApi
{
    public const int MaxRatingsPage = 100;

    public static RouteGroupBuilder MapResidentApi(this RouteGroupBuilder api)
    {
        var resident = api.MapGroup("/resident").WithTags("Residents").AllowResidents();
        resident.MapGet("/home", Home)
            .WithSummary("The resident's household: its orders with who is coming (masked) and when, and its recent visits with their ratings.")
            .Produces<ResidentHome>().ProducesProblem(403);
        resident.MapPost("/orders", Order)
            .WithSummary("The resident orders a catalogue item for their own household; it flows as a coordinator's order (offered, claimed, escalated).")
            .Produces<OrderView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(403);
        resident.MapPost("/visits/{visitId}/rating", Rate)
            .WithSummary("The resident rates a finished visit to their household (满意度 1–5, comment ≤ 500 characters): one rating per visit, "
                + "201 the first time, 200 when it replaces the earlier one. It feeds the volunteer's rating and the district's satisfaction.")
            .Produces<ServiceRecordView>(StatusCodes.Status201Created).Produces<ServiceRecordView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        api.MapGet("/districts/{districtId}/satisfaction", DistrictSatisfaction)
            .WithTags("Residents")
            .WithSummary("The district's satisfaction figure (满意度) from residents' ratings: coordinators of the district.")
            .Produces<SatisfactionView>().ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/districts/{districtId}/ratings", DistrictRatings)
            .WithTags("Residents")
            .WithSummary($"The district's latest residents' ratings, newest first (coordinators of the district): ?offset= (0–{SatisfactionGrain.MaxListed}), "
                + $"?limit= (1–{MaxRatingsPage}, default 20); the latest {SatisfactionGrain.MaxListed} are listed, the figure counts all.")
            .Produces<DistrictRatingsPage>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Home(Caller caller, IGrainFactory grains)
    {
        if (OwnHousehold(caller) is not { } householdId)
        {
            return ApiProblems.Forbidden();
        }

        if (await grains.GetGrain<IHouseholdGrain>(householdId).Get() is not { } file)
        {
            return ApiProblems.NotFound($"家庭 {householdId} 不存在 / No household {householdId}");
        }

        var district = file.Profile.DistrictId;
        var orders = (await grains.GetGrain<IOrderBoardGrain>(district).List()).Where(o => o.HouseholdId == householdId).ToList();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volunteerId in orders.Select(o => o.VolunteerId).Concat(file.RecentVisits.Select(v => v.VolunteerId)).OfType<string>().Distinct())
        {
            names[volunteerId] = Masking.Name((await grains.GetGrain<IVolunteerGrain>(volunteerId).Get())?.Profile.Name);
        }

        // Service records are keyed by the visit's volunteer and the phone's id.
        var visits = orders.Where(o => o.VisitId is not null && o.VolunteerId is not null).Select(o => new VisitKey(o.VolunteerId!, o.VisitId!))
            .Concat(file.RecentVisits.Select(v => new VisitKey(v.VolunteerId, v.VisitId))).Distinct().ToList();
        var records = (await Task.WhenAll(visits.Select(k => grains.GetGrain<IServiceRecordGrain>(k.ToString()).Get())))
            .OfType<ServiceRecordView>().ToDictionary(r => new VisitKey(r.VolunteerId, r.VisitId));
        int? Rated(string? volunteerId, string? visitId) =>
            visitId is not null && volunteerId is not null && records.TryGetValue(new VisitKey(volunteerId, visitId), out var r) ? r.Rating?.Satisfaction : null;

        return TypedResults.Ok(new ResidentHome(
            householdId,
            district,
            file.Profile.Community,
            orders.Select(o => new ResidentOrder(
                o.OrderId, o.ItemId, o.Status, o.WindowStart, o.WindowEnd, o.Notes,
                o.VolunteerId is null ? null : names[o.VolunteerId], o.VisitId, Rated(o.VolunteerId, o.VisitId))).ToList(),
            file.RecentVisits.OrderByDescending(v => v.CheckedInAt)
                .Select(v => new ResidentVisit(v.VisitId, names[v.VolunteerId], v.CheckedInAt, v.CheckedOutAt, Rated(v.VolunteerId, v.VisitId))).ToList()));
    }

    private static Task<IResult> Order(ResidentOrderBody body, Caller caller, IGrainFactory grains)
    {
        if (OwnHousehold(caller) is not { } householdId)
        {
            return Task.FromResult(ApiProblems.Forbidden());
        }

        var order = new OrderBody(householdId, body.ItemId, body.WindowStart, body.WindowEnd, body.Notes, Priority: null);
        return OrdersApi.Place(order, caller, async id =>
        {
            var district = await grains.GetGrain<IHouseholdGrain>(id).GetDistrict();
            return district is null
                ? Guarded<string>.Deny(ApiProblems.NotFound($"家庭 {id} 不存在 / No household {id}"))
                : new Guarded<string>(district, null);
        }, grains);
    }

    private static async Task<IResult> Rate(string visitId, SatisfactionBody body, Caller caller, Access access, IGrainFactory grains, TimeProvider time)
    {
        var v = new Validation();
        v.Id("visitId", visitId);
        if (body.Satisfaction is not (>= 1 and <= 5))
        {
            v.Add("satisfaction", "1 到 5 / 1 to 5");
        }

        var comment = v.OptionalText("comment", body.Comment, 500);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (OwnHousehold(caller) is not { } householdId)
        {
            return ApiProblems.Forbidden();
        }

        // The visit of this household with that id (other volunteers' phones may have chosen it elsewhere).
        var candidates = await access.VisitCandidates(visitId);
        var key = candidates.FirstOrDefault(c => c.HouseholdId == householdId)?.Key;
        var visit = key is { } found ? await grains.Visit(found).Get() : null;
        if (visit is null || visit.HouseholdId != householdId)
        {
            return candidates.Count == 0 ? ApiProblems.NotFound($"服务记录 {visitId} 不存在 / No visit {visitId}") : ApiProblems.Forbidden();
        }

        if (visit.CheckedOutAt is null)
        {
            return ApiProblems.From(Model.Failure.Conflict("服务结束后才能评价 / Rate the visit after it ended"));
        }

        var now = time.GetUtcNow();
        var owner = new VisitOwner(visit.VolunteerId, visit.HouseholdId, visit.DistrictId);
        var outcome = await grains.GetGrain<IServiceRecordGrain>(visit.KeyOf().ToString()).Rate(owner, new ResidentRating(body.Satisfaction!.Value, comment, caller.Sub, now));
        if (outcome.Failure is null)
        {
            await grains.GetGrain<IVolunteerGrain>(visit.VolunteerId).Rate(new Rating(body.Satisfaction.Value, caller.Sub, now, visitId));
        }

        return outcome.ToResult(r => r, $"/api/v1/visits/{visitId}/record");
    }

    private static async Task<IResult> DistrictSatisfaction(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await grains.GetGrain<ISatisfactionGrain>(districtId).Get());
    }

    private static async Task<IResult> DistrictRatings(string districtId, string? offset, string? limit, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var from = Bounded(v, "offset", offset, 0, SatisfactionGrain.MaxListed, fallback: 0);
        var take = Bounded(v, "limit", limit, 1, MaxRatingsPage, fallback: 20);

        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await grains.GetGrain<ISatisfactionGrain>(districtId).Page(from, take));
    }

    private static int Bounded(Validation v, string field, string? text, int min, int max, int fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        v.Add(field, $"{min} 到 {max} 的整数 / A whole number from {min} to {max}");
        return fallback;
    }

    private static string? OwnHousehold(Caller caller) => caller.IsResident ? caller.Household : null;
}
