using System.Collections.Immutable;
using Boai.Orleans.Live;
using Boai.Orleans.Testing;

namespace Boai.Orleans.Grains.Tests;

public sealed class LiveBatchOrderTests
{
    private static readonly Guid Publisher = Guid.NewGuid();

    [Fact]
    public void Batches_handled_out_of_order_are_released_in_their_publishers_order()
    {
        var clock = new ShiftedTimeProvider();
        var order = new LiveBatchOrder(clock);
        var released = new List<string>();

        foreach (var seq in new long[] { 5, 7, 6, 9, 8, 8 })
        {
            order.Accept(Batch(Publisher, seq), events => released.AddRange(events.Select(e => e.DistrictId)));
        }

        Assert.Equal(["5", "6", "7", "8", "9"], released);
    }

    [Fact]
    public void A_lost_batch_holds_the_later_ones_back_only_until_the_wait_is_over()
    {
        var clock = new ShiftedTimeProvider();
        var order = new LiveBatchOrder(clock);
        var released = new List<string>();
        void Take(ImmutableArray<LiveEvent> events) => released.AddRange(events.Select(e => e.DistrictId));

        order.Accept(Batch(Publisher, 1), Take);
        order.Accept(Batch(Publisher, 3), Take);
        Assert.Equal(["1"], released);

        clock.Advance(LiveBatchOrder.MaxWait);
        order.Accept(Batch(Publisher, 4), Take);
        Assert.Equal(["1", "3", "4"], released);

        // Each publisher (silo) has its own order.
        order.Accept(Batch(Guid.NewGuid(), 40), Take);
        Assert.Equal(["1", "3", "4", "40"], released);
    }

    private static LiveBatch Batch(Guid publisher, long seq) =>
        new(publisher, seq, [new NeedCoveredEvent { DistrictId = seq.ToString(System.Globalization.CultureInfo.InvariantCulture), NeedId = "n", HouseholdId = "h", At = DateTimeOffset.UnixEpoch }]);
}
