using System.Collections.Immutable;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Live;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;
using Boai.Orleans.Storage;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Orders;

[GenerateSerializer]
public sealed class OrderState
{
    [Id(0)] public string HouseholdId { get; set; } = "";
    [Id(1)] public string DistrictId { get; set; } = "";
    [Id(2)] public string ItemId { get; set; } = "";
    [Id(3)] public string Category { get; set; } = "";
    [Id(4)] public List<string> Skills { get; set; } = [];
    [Id(5)] public GeoPoint? Location { get; set; }
    [Id(6)] public DateTimeOffset WindowStart { get; set; }
    [Id(7)] public DateTimeOffset WindowEnd { get; set; }
    [Id(8)] public string? Notes { get; set; }
    [Id(9)] public int Priority { get; set; }
    [Id(10)] public string CreatedBy { get; set; } = "";
    [Id(11)] public DateTimeOffset CreatedAt { get; set; }
    [Id(12)] public OrderStatus Status { get; set; }
    [Id(13)] public string? VolunteerId { get; set; }
    [Id(14)] public DateTimeOffset? ClaimedAt { get; set; }
    [Id(15)] public DateTimeOffset OfferedSince { get; set; }
    [Id(16)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(17)] public string? VisitId { get; set; }
    [Id(18)] public List<OrderStep> History { get; set; } = [];
    /// <summary>The volunteers the order was last offered to live, so they also hear when it is taken.</summary>
    [Id(19)] public List<string> OfferedTo { get; set; } = [];
    [Id(20)] public int Version { get; set; }

    public bool Exists => HouseholdId.Length > 0;
}

/// <summary>
/// One menu order (菜单式服务). Not reentrant: claims run one at a time, so the first valid claim wins and is stored
/// before it is answered; every later claim meets a claimed order. The order tells its household (coverage and who
/// may visit), its district's board and the live hub after each change; those effects are idempotent, so a retried
/// request finishes what a failure interrupted.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> state,
    ServiceCatalogue catalogue,
    DistrictDirectory districts,
    TimeProvider time,
    IOptions<OrderOptions> options,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private const int HistoryKept = 50;
    private readonly OrderOptions _options = options.Value;

    private string OrderId => this.GetPrimaryKeyString();

    private OrderState S => state.State;

    public async Task<Outcome<OrderView>> Create(NewOrder order)
    {
        if (S.Exists)
        {
            if (S.HouseholdId != order.HouseholdId || S.ItemId != order.ItemId || S.WindowStart != order.WindowStart
                || S.WindowEnd != order.WindowEnd || S.Notes != order.Notes)
            {
                return Failure.Conflict("此订单号已用于另一订单 / This order id belongs to another order");
            }

            await ApplyAsync([]);
            return Outcome<OrderView>.Ok(View());
        }

        if (Ids.OwnerHousehold(OrderId, 'o') != order.HouseholdId)
        {
            return Failure.Invalid("householdId", "订单号不属于此家庭 / The order id is not this household's");
        }

        if (catalogue.Find(order.ItemId) is not { } item)
        {
            return Failure.Invalid("itemId", "服务清单中没有此项目 / Not an item of the service catalogue");
        }

        var now = time.GetUtcNow();
        if (order.WindowEnd <= order.WindowStart)
        {
            return Failure.Invalid("windowEnd", "结束时间须晚于开始时间 / Must be after windowStart");
        }

        if (order.WindowEnd <= now)
        {
            return Failure.Invalid("windowEnd", "时间段已过 / The window is over");
        }

        if (await GrainFactory.GetGrain<IHouseholdGrain>(order.HouseholdId).Get() is not { } household)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        S.HouseholdId = order.HouseholdId;
        S.DistrictId = household.Profile.DistrictId;
        S.Location = household.Profile.Location;
        S.ItemId = item.ItemId;
        S.Category = item.Category;
        S.Skills = [.. item.Skills];
        S.WindowStart = order.WindowStart;
        S.WindowEnd = order.WindowEnd;
        S.Notes = order.Notes;
        S.Priority = order.Priority;
        S.CreatedBy = order.By;
        S.CreatedAt = now;
        S.Status = OrderStatus.Open;
        S.OfferedSince = now;
        S.OfferedTo = [.. await EligibleVolunteersAsync()];
        Step(now, "created", order.By);
        await state.WriteOrReloadAsync(this);
        await ApplyAsync([Updated(now), Offered(S.OfferedTo)]);
        return Outcome<OrderView>.Ok(View(), created: true);
    }

    public Task<OrderView?> Get() => Task.FromResult(S.Exists ? View() : null);

    public async Task<Outcome<OrderView>> Claim(string volunteerId)
    {
        if (!S.Exists)
        {
            return Failure.NotFound("订单不存在 / Order not found");
        }

        if (S.Status == OrderStatus.Claimed && S.VolunteerId == volunteerId)
        {
            await ApplyAsync([]);
            return Outcome<OrderView>.Ok(View());
        }

        if (S.Status != OrderStatus.Open)
        {
            return Failure.Conflict(S.Status == OrderStatus.Claimed
                ? "订单已被其他义工接单 / Another volunteer has already taken this order"
                : "订单已结束 / The order is closed");
        }

        if (!await IsEligible(volunteerId))
        {
            return Failure.Forbidden("不符合接单条件（技能、镇区、意愿或空闲时间）/ Not eligible for this order (skills, district, willingness or free time)");
        }

        var now = time.GetUtcNow();
        S.Status = OrderStatus.Claimed;
        S.VolunteerId = volunteerId;
        S.ClaimedAt = now;
        Step(now, "claimed", volunteerId, volunteerId);
        await state.WriteOrReloadAsync(this);
        await ApplyAsync([Updated(now)]);
        return Outcome<OrderView>.Ok(View());
    }

    public async Task<Outcome<OrderView>> Release(string by, bool byVolunteer)
    {
        if (!S.Exists)
        {
            return Failure.NotFound("订单不存在 / Order not found");
        }

        if (S.Status != OrderStatus.Claimed)
        {
            return Failure.Conflict("订单未被接单 / The order is not taken");
        }

        if (byVolunteer && S.VolunteerId != by)
        {
            return Failure.Forbidden("只有接单的义工可以放弃 / Only the volunteer who took the order may release it");
        }

        var now = time.GetUtcNow();
        var previous = S.VolunteerId;
        S.Status = OrderStatus.Open;
        S.VolunteerId = null;
        S.ClaimedAt = null;
        S.OfferedSince = now;
        Step(now, "released", by, previous);
        var offered = await EligibleVolunteersAsync();
        S.OfferedTo = [.. offered.Union(S.OfferedTo).Distinct(StringComparer.Ordinal)];
        await state.WriteOrReloadAsync(this);
        await ApplyAsync([Updated(now), Offered(offered.Where(v => v != previous).ToList())]);
        return Outcome<OrderView>.Ok(View());
    }

    public async Task<Outcome<OrderView>> Cancel(string by)
    {
        if (!S.Exists)
        {
            return Failure.NotFound("订单不存在 / Order not found");
        }

        if (S.Status == OrderStatus.Cancelled)
        {
            await ApplyAsync([]);
            return Outcome<OrderView>.Ok(View());
        }

        if (S.Status == OrderStatus.Completed)
        {
            return Failure.Conflict("订单已完成 / The order is completed");
        }

        var now = time.GetUtcNow();
        S.Status = OrderStatus.Cancelled;
        Step(now, "cancelled", by, S.VolunteerId);
        await state.WriteOrReloadAsync(this);
        await ApplyAsync([Updated(now)]);
        return Outcome<OrderView>.Ok(View());
    }

    public async Task<bool> IsEligible(string volunteerId)
    {
        if (!S.Exists || await GrainFactory.GetGrain<IVolunteerGrain>(volunteerId).Get() is not { } volunteer)
        {
            return false;
        }

        // The volunteer's own district holds their record; the matcher judges travel to another district.
        var eligible = await GrainFactory.GetGrain<IDistrictGrain>(volunteer.Profile.DistrictId).OrdersEligibleFor(volunteerId, [Match()]);
        return eligible.Contains(OrderId);
    }

    public async Task Completed(string visitId, string volunteerId, DateTimeOffset at)
    {
        if (S.Status == OrderStatus.Completed && S.VisitId == visitId)
        {
            await ApplyAsync([]);
            return;
        }

        if (S.Status != OrderStatus.Claimed || S.VolunteerId != volunteerId)
        {
            return;
        }

        var now = time.GetUtcNow();
        S.Status = OrderStatus.Completed;
        S.CompletedAt = at;
        S.VisitId = visitId;
        Step(now, "completed", volunteerId, volunteerId);
        await state.WriteOrReloadAsync(this);
        await ApplyAsync([Updated(now)]);
    }

    private void Step(DateTimeOffset at, string action, string by, string? volunteerId = null)
    {
        S.Version++;
        S.History.Add(new OrderStep(at, action, by, volunteerId));
        if (S.History.Count > HistoryKept)
        {
            S.History.RemoveRange(0, S.History.Count - HistoryKept);
        }
    }

    /// <summary>Asks the household's district and its neighbours which of their volunteers may take the order.</summary>
    private async Task<IReadOnlyList<string>> EligibleVolunteersAsync()
    {
        var lists = await Task.WhenAll(OrderDistricts.Near(districts, S.DistrictId, _options.NeighbourDistrictKm)
            .Select(d => GrainFactory.GetGrain<IDistrictGrain>(d).VolunteersEligibleFor(Match())));
        return lists.SelectMany(l => l).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    private async Task ApplyAsync(IReadOnlyList<LiveEvent> events)
    {
        var view = View();
        await GrainFactory.GetGrain<IHouseholdGrain>(S.HouseholdId).OrderChanged(Ref());
        await GrainFactory.GetGrain<IOrderBoardGrain>(S.DistrictId).Upsert(view, Match());
        var publish = events.Where(e => e is not OrderOfferedEvent { Volunteers.Count: 0 }).ToImmutableArray();
        if (publish.IsEmpty)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<ILiveEventPublisherGrain>(0).Publish(publish);
        }
        catch (Exception ex)
        {
            // The change is stored; a page that missed the event re-reads the board when it reconnects.
            LogPublishFailed(logger, ex, OrderId);
        }
    }

    private OrderMatch Match() => new(
        new MatchNeed(OrderId, S.HouseholdId, S.DistrictId, S.Category, S.Skills, NeedFrequency.Once, S.Priority, S.Location?.Lat, S.Location?.Lng, catalogue.TrainingsFor(S.ItemId)),
        S.WindowStart,
        S.WindowEnd);

    private OrderRef Ref() => new(OrderId, S.ItemId, S.Category, S.Skills, S.Priority, S.Status, S.VolunteerId, S.OfferedSince);

    private OrderUpdatedEvent Updated(DateTimeOffset at) => new()
    {
        DistrictId = S.DistrictId,
        OrderId = OrderId,
        HouseholdId = S.HouseholdId,
        ItemId = S.ItemId,
        Status = S.Status,
        VolunteerId = S.VolunteerId,
        WindowStart = S.WindowStart,
        WindowEnd = S.WindowEnd,
        EscalatesAt = S.Status == OrderStatus.Open ? S.OfferedSince + _options.UnclaimedAfter : null,
        At = at,
        Volunteers = [.. S.OfferedTo],
    };

    private OrderOfferedEvent Offered(IReadOnlyList<string> volunteers) => new()
    {
        DistrictId = S.DistrictId,
        OrderId = OrderId,
        HouseholdId = S.HouseholdId,
        ItemId = S.ItemId,
        Category = S.Category,
        WindowStart = S.WindowStart,
        WindowEnd = S.WindowEnd,
        Volunteers = [.. volunteers],
    };

    private OrderView View() => new OrderView(
        OrderId,
        S.HouseholdId,
        S.DistrictId,
        S.ItemId,
        S.Category,
        S.Skills,
        S.WindowStart,
        S.WindowEnd,
        S.Notes,
        S.Priority,
        S.Status,
        S.VolunteerId,
        S.CreatedAt,
        S.CreatedBy,
        S.OfferedSince,
        S.Status == OrderStatus.Open ? S.OfferedSince + _options.UnclaimedAfter : null,
        false,
        S.ClaimedAt,
        S.CompletedAt,
        S.VisitId,
        [.. S.History],
        S.Version).At(time.GetUtcNow());

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Publishing live events of order {OrderId} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string orderId);
}
