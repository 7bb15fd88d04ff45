using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Orders;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>A one-off order as a coordinator places it; <c>priority</c> 1 (low) to 5 (urgent), default 3.</summary>
public sealed record OrderBody(string? HouseholdId, string? ItemId, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, string? Notes, int? Priority);

/// <summary>
/// Menu orders (菜单式服务, 群众点单、志愿者接单): coordinators place a catalogue item for a household and a time window;
/// eligible volunteers are offered it live and in their offers list; the first valid claim wins.
/// </summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");

        orders.MapPost("/", Create)
            .WithSummary("Places a one-off order (菜单式服务) for a household of the caller's districts; it is offered live to every eligible volunteer.")
            .Produces<OrderView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        orders.MapGet("/{orderId}", Get)
            .WithSummary("An order with its history: staff of its district, the volunteer who took it, or a volunteer who may take it.")
            .Produces<OrderView>().ProducesProblem(403).ProducesProblem(404);
        orders.MapPost("/{orderId}/claim", Claim)
            .WithSummary("The volunteer in the token takes the order: 200 for the first valid claim, 409 for every other; 403 when not eligible.")
            .Produces<OrderView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        orders.MapPost("/{orderId}/release", Release)
            .WithSummary("The volunteer who took the order (or a coordinator) gives it back; it is offered again.")
            .Produces<OrderView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        orders.MapPost("/{orderId}/cancel", Cancel)
            .WithSummary("A coordinator withdraws the order.")
            .Produces<OrderView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        api.MapGet("/districts/{districtId}/orders", Board)
            .WithTags("Orders")
            .WithSummary("The district's order board: open and taken orders (oldest first), then the latest finished ones.")
            .Produces<OrderView[]>().ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/volunteers/{volunteerId}/offers", Offers)
            .WithTags("Orders")
            .WithSummary("Open orders the volunteer may take now (skills, district or travel range, willingness, free time): the volunteer, or staff of their district.")
            .Produces<OrderView[]>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static Task<IResult> Create(OrderBody body, Caller caller, Access access, IGrainFactory grains) =>
        Place(body, caller, householdId => access.Household(caller, householdId), grains);

    /// <summary>
    /// Places an order: the one path for coordinators' and residents' orders (群众点单); <paramref name="mayOrderFor"/>
    /// decides whether the caller may order for the household and answers its district.
    /// </summary>
    internal static async Task<IResult> Place(
        OrderBody body, Caller caller, Func<string, Task<Guarded<string>>> mayOrderFor, IGrainFactory grains)
    {
        var v = new Validation();
        var householdId = v.Id("householdId", body.HouseholdId);
        // The shape only: whether the item is in the catalogue and the window is in order and not over is the order
        // grain's to decide (one rule, one home), answered naming the field.
        var itemId = v.Text("itemId", body.ItemId, 64);
        var start = v.Time("windowStart", body.WindowStart);
        var end = v.Time("windowEnd", body.WindowEnd);
        var notes = v.OptionalText("notes", body.Notes, 2000);
        var priority = body.Priority ?? 3;
        if (priority is < 1 or > 5)
        {
            v.Add("priority", "1（低）到 5（紧急）/ 1 (low) to 5 (urgent)");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        var household = await mayOrderFor(householdId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        var reserved = await grains.GetGrain<IHouseholdGrain>(householdId).ReserveOrderId();
        if (reserved.Failure is { } failure)
        {
            return ApiProblems.From(failure);
        }

        var orderId = reserved.Value!;
        var outcome = await grains.GetGrain<IOrderGrain>(orderId).Create(new NewOrder(householdId, itemId, start, end, notes, priority, caller.Sub));
        return outcome.ToResult(o => o, $"/api/v1/orders/{orderId}");
    }

    private static async Task<IResult> Get(string orderId, Caller caller, Access access)
    {
        var order = await access.Order(caller, orderId);
        return order.Denied ?? TypedResults.Ok(order.Value);
    }

    private static async Task<IResult> Claim(string orderId, Caller caller, Access access, IGrainFactory grains)
    {
        if (await access.ClaimOrder(caller, orderId) is { } denied)
        {
            return denied;
        }

        return (await grains.GetGrain<IOrderGrain>(orderId).Claim(caller.Sub)).ToOk(o => o);
    }

    private static async Task<IResult> Release(string orderId, Caller caller, Access access, IGrainFactory grains)
    {
        var order = await access.ReleaseOrder(caller, orderId);
        if (order.Denied is not null)
        {
            return order.Denied;
        }

        return (await grains.GetGrain<IOrderGrain>(orderId).Release(caller.Sub, caller.IsVolunteer)).ToOk(o => o);
    }

    private static async Task<IResult> Cancel(string orderId, Caller caller, Access access, IGrainFactory grains)
    {
        var order = await access.CancelOrder(caller, orderId);
        if (order.Denied is not null)
        {
            return order.Denied;
        }

        return (await grains.GetGrain<IOrderGrain>(orderId).Cancel(caller.Sub)).ToOk(o => o);
    }

    private static async Task<IResult> Board(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await grains.GetGrain<IOrderBoardGrain>(districtId).List());
    }

    private static async Task<IResult> Offers(
        string volunteerId, Caller caller, Access access, IGrainFactory grains, DistrictDirectory directory, IOptions<OrderOptions> options)
    {
        var volunteer = await access.Volunteer(caller, volunteerId);
        if (volunteer.Denied is not null)
        {
            return volunteer.Denied;
        }

        var home = volunteer.Value!.Profile.DistrictId;
        var boards = await Task.WhenAll(OrderDistricts.Near(directory, home, options.Value.NeighbourDistrictKm)
            .Select(d => grains.GetGrain<IOrderBoardGrain>(d).OffersFor(volunteerId, home)));
        return TypedResults.Ok(boards.SelectMany(b => b).OrderBy(o => o.WindowStart).ThenBy(o => o.OrderId, StringComparer.Ordinal).ToList());
    }
}
