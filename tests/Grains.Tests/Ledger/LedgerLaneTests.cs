using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;

namespace Boai.Orleans.Grains.Tests.Ledger;

/// <summary>
/// The bookkeeping of a ledger partition's lane for a district, which writes behind: one loop delivers, another asks what
/// is stored, and each awaits a grain call between reading the lane and changing it.
/// </summary>
public sealed class LedgerLaneTests
{
    [Fact]
    public void Events_lost_by_a_new_activation_while_a_wave_is_out_are_delivered_again_before_it_in_log_order()
    {
        var lane = new LedgerLane();
        foreach (var seq in new long[] { 1, 2, 3 })
        {
            lane.Add(Event(seq));
        }

        // Delivered to the district, applied in its memory, not yet stored.
        var first = lane.NextWave(100);
        lane.Projected(first);
        Assert.False(lane.Confirmed(new LedgerProgress(Applied: 3, Stored: 0), given: 3));
        lane.Add(Event(4));
        lane.Add(Event(5));

        // The next wave is out to the old activation when the confirming loop finds a new one that lost 1..3.
        var second = lane.NextWave(100);
        Assert.Equal([4L, 5L], second.Select(e => e.Seq));
        Assert.True(lane.Confirmed(new LedgerProgress(Applied: 0, Stored: 0), given: 3));

        // The old activation's answer to the wave comes back after that.
        lane.Projected(second);
        Assert.False(lane.Confirmed(new LedgerProgress(Applied: 5, Stored: 0), given: 5));
        Assert.Equal(1, lane.Oldest);

        // The lost events go to the new activation, which holds less than the lane gave: all unstored go back, in order.
        var third = lane.NextWave(100);
        Assert.Equal([1L, 2L, 3L], third.Select(e => e.Seq));
        Assert.True(lane.Confirmed(new LedgerProgress(Applied: 0, Stored: 0), given: lane.Given));
        Assert.Equal(0, lane.Given);

        var again = lane.NextWave(100);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], again.Select(e => e.Seq));
        lane.Projected(again);
        Assert.False(lane.Confirmed(new LedgerProgress(Applied: 5, Stored: 5), given: 5));
        Assert.True(lane.Idle);
    }

    [Fact]
    public void A_wave_delivered_leaves_by_sequence_even_when_events_were_put_back_in_front_of_it()
    {
        var lane = new LedgerLane();
        lane.Add(Event(1));
        lane.Projected(lane.NextWave(100));
        lane.Add(Event(2));
        var wave = lane.NextWave(100);

        Assert.True(lane.Confirmed(new LedgerProgress(Applied: 0, Stored: 0), given: 1));
        lane.Projected(wave);

        Assert.Equal([1L], lane.NextWave(100).Select(e => e.Seq));
        Assert.Equal(2, lane.Given);
        Assert.Equal(1, lane.Oldest);
    }

    [Fact]
    public void Stored_events_leave_and_the_oldest_unstored_holds_the_cursor()
    {
        var lane = new LedgerLane();
        for (var seq = 1; seq <= 4; seq++)
        {
            lane.Add(Event(seq));
        }

        lane.Projected(lane.NextWave(2));
        Assert.Equal(1, lane.Oldest);
        Assert.False(lane.Confirmed(new LedgerProgress(Applied: 2, Stored: 1), given: 2));
        Assert.Equal(2, lane.Oldest);
        lane.Delivered(lane.NextWave(100));
        Assert.False(lane.Confirmed(new LedgerProgress(Applied: 4, Stored: 4), given: 2));
        Assert.True(lane.Idle);
        Assert.Null(lane.Oldest);
    }

    private static LedgerEvent Event(long seq) => new(0, seq, VisitStep.CheckedIn, new VisitRecord
    {
        VisitId = $"visit-{seq}",
        VolunteerId = "vol-1",
        HouseholdId = "hh-1",
        DistrictId = "d-1",
    });
}
