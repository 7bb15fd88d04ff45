using Boai.Orleans.Live;
using Microsoft.Extensions.Time.Testing;

namespace Boai.Orleans.Grains.Tests;

public sealed class LiveBatchOrderTests
{
    private static readonly Guid Publisher = Guid.NewGuid();

    [Fact]
    public void Batches_handled_out_of_order_are_released_in_their_publishers_order()
    {
        var released = new List<string>();
        using var order = Order(new FakeTimeProvider(), released);

        foreach (var seq in new long[] { 5, 7, 6, 9, 8, 8 })
        {
            order.Accept(Batch(Publisher, seq));
        }

        Assert.Equal(["5", "6", "7", "8", "9"], released);
    }

    [Fact]
    public void A_lost_batch_holds_the_later_ones_back_only_until_the_wait_is_over()
    {
        var clock = new FakeTimeProvider();
        var released = new List<string>();
        using var order = Order(clock, released);

        order.Accept(Batch(Publisher, 1));
        order.Accept(Batch(Publisher, 3));
        Assert.Equal(["1"], released);

        // Nothing else comes: the timer lets batch 3 go when its wait is over, not before.
        clock.Advance(LiveBatchOrder.MaxWait - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["1"], released);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["1", "3"], released);

        order.Accept(Batch(Publisher, 4));
        Assert.Equal(["1", "3", "4"], released);

        // Each publisher (silo) has its own order.
        order.Accept(Batch(Guid.NewGuid(), 40));
        Assert.Equal(["1", "3", "4", "40"], released);
    }

    [Fact]
    public void Each_publishers_gap_waits_from_its_own_oldest_batch()
    {
        var clock = new FakeTimeProvider();
        var released = new List<string>();
        using var order = Order(clock, released);
        var other = Guid.NewGuid();

        order.Accept(Batch(Publisher, 1));
        order.Accept(Batch(Publisher, 3));
        clock.Advance(TimeSpan.FromSeconds(1));
        order.Accept(Batch(other, 10));
        order.Accept(Batch(other, 12));
        Assert.Equal(["1", "10"], released);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["1", "10", "3"], released);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["1", "10", "3", "12"], released);

        // A batch that was lost and comes after all is not handed on late (its place was skipped).
        order.Accept(Batch(Publisher, 2));
        Assert.Equal(["1", "10", "3", "12"], released);
    }

    [Fact]
    public void Too_many_batches_behind_a_gap_are_released_without_waiting()
    {
        var released = new List<string>();
        using var order = Order(new FakeTimeProvider(), released);

        order.Accept(Batch(Publisher, 0));
        for (var seq = 2; seq < 2 + LiveBatchOrder.MaxHeld; seq++)
        {
            order.Accept(Batch(Publisher, seq));
        }

        Assert.Equal(1 + LiveBatchOrder.MaxHeld, released.Count);
        Assert.Equal(Enumerable.Range(2, LiveBatchOrder.MaxHeld).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), released.Skip(1));
    }

    [Fact]
    public void A_disposed_order_takes_no_more_batches_and_its_timer_stays_quiet()
    {
        var clock = new FakeTimeProvider();
        var released = new List<string>();
        var order = Order(clock, released);

        order.Accept(Batch(Publisher, 1));
        order.Accept(Batch(Publisher, 3));
        order.Dispose();
        order.Accept(Batch(Publisher, 2));
        clock.Advance(LiveBatchOrder.MaxWait);

        Assert.Equal(["1"], released);
    }

    [Fact]
    public void A_stream_quiet_for_long_is_forgotten_and_starts_afresh_when_it_sends_again()
    {
        var clock = new FakeTimeProvider();
        var released = new List<string>();
        using var order = Order(clock, released);

        order.Accept(Batch(Publisher, 1));
        clock.Advance(LiveBatchOrder.ForgetAfter);
        order.Accept(Batch(Guid.NewGuid(), 100));

        // Remembered, batch 5 would wait behind 2–4; forgotten, it starts the stream's order again.
        order.Accept(Batch(Publisher, 5));
        Assert.Equal(["1", "100", "5"], released);
    }

    /// <summary>An order that hands each released batch's district id (its sequence, see <see cref="Batch"/>) to <paramref name="released"/>.</summary>
    private static LiveBatchOrder Order(TimeProvider clock, List<string> released) =>
        new(clock, events => released.AddRange(events.Select(e => e.DistrictId)));

    private static LiveBatch Batch(Guid publisher, long seq) =>
        new(publisher, seq, [new NeedCoveredEvent { DistrictId = seq.ToString(System.Globalization.CultureInfo.InvariantCulture), NeedId = "n", HouseholdId = "h", At = DateTimeOffset.UnixEpoch }]);
}
