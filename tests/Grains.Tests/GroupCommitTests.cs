using Boai.Orleans.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Boai.Orleans.Grains.Tests;

/// <summary>Writes counted, time moved by hand: what a minimum interval coalesces and what cuts it short.</summary>
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Writes_behind_share_one_write_per_interval()
    {
        var time = new FakeTimeProvider();
        var writes = 0;
        var commit = new GroupCommit(() => { writes++; return Task.CompletedTask; }, Interval, time);

        // The first write after a quiet spell goes at once.
        await commit.CommitLaterAsync();
        Assert.Equal(1, writes);

        var later = Enumerable.Range(0, 10).Select(_ => commit.CommitLaterAsync()).ToList();
        time.Advance(Interval / 2);
        Assert.Equal(1, writes);
        Assert.All(later, t => Assert.False(t.IsCompleted));

        time.Advance(Interval / 2);
        await Task.WhenAll(later);
        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task A_commit_someone_waits_for_cuts_the_interval_short_and_takes_the_waiting_ones_along()
    {
        var time = new FakeTimeProvider();
        var writes = 0;
        var commit = new GroupCommit(() => { writes++; return Task.CompletedTask; }, Interval, time);
        await commit.CommitLaterAsync();

        var later = Enumerable.Range(0, 3).Select(_ => commit.CommitLaterAsync()).ToList();
        await commit.CommitAsync();
        await Task.WhenAll(later);
        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task Without_an_interval_calls_during_a_write_share_the_next_one()
    {
        var writes = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new GroupCommit(async () => { writes++; await gate.Task; });
        var first = commit.CommitAsync();
        var next = Enumerable.Range(0, 5).Select(_ => commit.CommitAsync()).ToList();
        Assert.Equal(1, writes);

        gate.SetResult();
        await first;
        await Task.WhenAll(next);
        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task A_write_knows_whether_someone_waits_for_it()
    {
        var time = new FakeTimeProvider();
        var waited = new List<bool>();
        GroupCommit? commit = null;
        commit = new GroupCommit(() => { waited.Add(commit!.Waited); return Task.CompletedTask; }, Interval, time);

        await commit.CommitLaterAsync();
        await commit.CommitAsync();
        var later = commit.CommitLaterAsync();
        time.Advance(Interval);
        await later;

        Assert.Equal([false, true, false], waited);
    }

    [Fact]
    public async Task A_write_behind_waiting_its_turn_goes_at_once_when_someone_waits_for_the_next_write()
    {
        // The silo's one slot is taken: a write behind waits for it.
        var gate = new WriteBehindGate(1);
        using var taken = await gate.EnterAsync();
        var writes = 0;
        GroupCommit? commit = null;
        commit = new GroupCommit(async () =>
        {
            using var slot = await gate.EnterAsync(commit!);
            writes++;
        });

        var behind = commit.CommitLaterAsync();
        Assert.Equal(1, gate.Waiting);
        Assert.False(behind.IsCompleted);

        // A caller who waits (a coordinator's change) would wait behind it: it goes now, without a slot, and so does theirs.
        var waited = commit.CommitAsync();
        await Task.WhenAll(behind, waited).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, writes);
        Assert.Equal(0, gate.Waiting);
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task When_the_process_stops_a_write_behind_goes_at_once_as_one_someone_waits_for()
    {
        var time = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var waited = new List<bool>();
        GroupCommit? commit = null;
        commit = new GroupCommit(() => { waited.Add(commit!.Waited); return Task.CompletedTask; }, Interval, time, delayFirst: true, stopping: stopping.Token);

        // A household's visit waits its interval for the write.
        var behind = commit.CommitLaterAsync();
        Assert.False(behind.IsCompleted);

        // The silo stops: it goes now, the clock unmoved, and so does every write asked for after.
        await stopping.CancelAsync();
        await behind.WaitAsync(TimeSpan.FromSeconds(10));
        await commit.CommitLaterAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([true, true], waited);
    }

    [Fact]
    public async Task When_the_process_stops_a_write_behind_waiting_for_a_slot_goes_without_one()
    {
        var gate = new WriteBehindGate(1);
        using var taken = await gate.EnterAsync();
        var writes = 0;
        GroupCommit? commit = null;
        commit = new GroupCommit(
            async () =>
            {
                using var slot = await gate.EnterAsync(commit!);
                writes++;
            },
            stopping: gate.Stopping);

        var behind = commit.CommitLaterAsync();
        Assert.Equal(1, gate.Waiting);

        gate.Stop();
        await behind.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, writes);
        Assert.Equal(0, gate.Waiting);
    }
}
