using Boai.Orleans.Districts;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Orders;

[GenerateSerializer]
public sealed class OrderBoardState
{
    [Id(0)] public Dictionary<string, OrderView> Orders { get; set; } = [];
    /// <summary>Open orders as matching sees them (with the household's location, which views never carry).</summary>
    [Id(1)] public Dictionary<string, OrderMatch> Open { get; set; } = [];
}

/// <summary>
/// A district's order board: each order's latest view, sent by the order after every change (a stale or repeated
/// view changes nothing). Live orders stay; finished ones are trimmed to the newest <see cref="OrderOptions.FinishedOnBoard"/>.
/// </summary>
public sealed class OrderBoardGrain(
    [PersistentState("orderBoard")] IPersistentState<OrderBoardState> state,
    TimeProvider time,
    IOptions<OrderOptions> options) : Grain, IOrderBoardGrain
{
    public async Task Upsert(OrderView order, OrderMatch match)
    {
        var orders = state.State.Orders;
        if (orders.TryGetValue(order.OrderId, out var known) && known.Version >= order.Version)
        {
            return;
        }

        // The board shows where orders stand; each order's history stays with the order.
        orders[order.OrderId] = order with { Escalated = false, History = [] };
        if (order.Status == OrderStatus.Open)
        {
            state.State.Open[order.OrderId] = match;
        }
        else
        {
            state.State.Open.Remove(order.OrderId);
        }

        var finished = orders.Values.Where(o => o.Status is OrderStatus.Completed or OrderStatus.Cancelled)
            .OrderByDescending(FinishedAt)
            .Skip(options.Value.FinishedOnBoard)
            .Select(o => o.OrderId)
            .ToList();
        foreach (var orderId in finished)
        {
            orders.Remove(orderId);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<OrderView>> List()
    {
        var now = time.GetUtcNow();
        var live = state.State.Orders.Values
            .Where(o => o.Status is OrderStatus.Open or OrderStatus.Claimed)
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal);
        var finished = state.State.Orders.Values
            .Where(o => o.Status is OrderStatus.Completed or OrderStatus.Cancelled)
            .OrderByDescending(FinishedAt);
        return Task.FromResult<IReadOnlyList<OrderView>>(live.Concat(finished).Select(o => o.At(now)).ToList());
    }

    public async Task<IReadOnlyList<OrderView>> OffersFor(string volunteerId, string volunteerDistrictId)
    {
        if (state.State.Open.Count == 0)
        {
            return [];
        }

        var eligible = await GrainFactory.GetGrain<IDistrictGrain>(volunteerDistrictId).OrdersEligibleFor(volunteerId, [.. state.State.Open.Values]);
        var now = time.GetUtcNow();
        return eligible
            .Select(id => state.State.Orders.GetValueOrDefault(id))
            .OfType<OrderView>()
            .Where(o => o.Status == OrderStatus.Open)
            .OrderBy(o => o.WindowStart)
            .Select(o => o.At(now))
            .ToList();
    }

    private static DateTimeOffset FinishedAt(OrderView o) => o.CompletedAt ?? o.ClaimedAt ?? o.OfferedSince;
}
