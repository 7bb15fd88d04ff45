using Boai.Orleans.Storage;

namespace Boai.Orleans.Grains.Tests;

/// <summary>The silo's writes behind: at most the limit in flight, the others let in one by one as slots free, in order.</summary>
public sealed class WriteBehindGateTests
{
    [Fact]
    public async Task At_most_the_limit_is_in_flight_and_the_others_get_in_as_slots_free_in_the_order_they_came()
    {
        var gate = new WriteBehindGate(2);
        var first = await gate.EnterAsync();
        var second = await gate.EnterAsync();
        Assert.Equal(2, gate.InFlight);

        var third = gate.EnterAsync();
        var fourth = gate.EnterAsync();
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);
        Assert.Equal(2, gate.Waiting);

        second.Dispose();
        var thirdIn = await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fourth.IsCompleted, "one slot freed lets one writer in");

        first.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        thirdIn.Dispose();
        Assert.Equal(0, gate.InFlight);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task A_write_someone_waits_for_takes_no_slot()
    {
        var gate = new WriteBehindGate(1);
        using (default(WriteBehindGate.Slot))
        {
            Assert.Equal(0, gate.InFlight);
        }

        using var slot = await gate.EnterAsync();
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public void A_limit_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WriteBehindGate(0));
}
