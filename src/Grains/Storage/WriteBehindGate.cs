namespace Boai.Orleans.Storage;

/// <summary>
/// The writes behind of one process, at most a given number in flight (<c>Storage:WritesBehindInFlight</c>), the rest
/// waiting their turn in order. Each owner still has one write in flight of its own (<see cref="GroupCommit"/>), so while
/// it waits here its later changes join the write that waits, and a slower turn means fewer writes, never a queue that
/// grows, and a write waiting here goes at once when someone starts waiting for that owner's next write. Wait here only
/// off a grain's request turn (a write behind's own flow), never inside a call someone waits for.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The semaphore's wait handle is never asked for, so it holds nothing to dispose; a slot released as the host stops must not meet a disposed semaphore.")]
public sealed class WriteBehindGate
{
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private int _waiting;

    public WriteBehindGate(int inFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFlight, 1);
        InFlightLimit = inFlight;
        _slots = new SemaphoreSlim(inFlight, inFlight);
    }

    public int InFlightLimit { get; }

    /// <summary>
    /// Cancelled once the process stops (<see cref="Stop"/>): every write behind then goes at once and without a slot,
    /// as a write someone waits for does (<see cref="GroupCommit"/>). A grain's call that waits for its write behind
    /// (a ledger lane's <c>Stored</c>) would otherwise hold the grain's deactivation, and with it the silo's shutdown
    /// and every call sent to that grain meanwhile, for up to the whole interval.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The process is stopping: every write behind goes now (see <see cref="Stopping"/>).</summary>
    public void Stop() => _stopping.Cancel();

    /// <summary>Writes behind waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Writes behind in flight now.</summary>
    public int InFlight => InFlightLimit - _slots.CurrentCount;

    /// <summary>
    /// Completes with a slot once fewer than the limit are in flight; dispose it when the write is done. When
    /// <paramref name="hurry"/> is cancelled first (someone now waits for the write after this one:
    /// <see cref="GroupCommit.Hurry"/>), completes at once without a slot, as a write someone waits for goes.
    /// </summary>
    public async Task<Slot> EnterAsync(CancellationToken hurry = default)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(hurry);
        }
        catch (OperationCanceledException) when (hurry.IsCancellationRequested)
        {
            return default;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new Slot(_slots);
    }

    /// <summary>
    /// The slot the write <paramref name="writer"/> is running needs: none when someone waits for it
    /// (<see cref="GroupCommit.Waited"/>); else one, or none once someone starts waiting for the writer's next write.
    /// </summary>
    public Task<Slot> EnterAsync(GroupCommit writer) =>
        writer.Waited ? Task.FromResult(default(Slot)) : EnterAsync(writer.Hurry);

    /// <summary>A slot taken; <c>default</c> is no slot (a write someone waits for), and disposing it does nothing.</summary>
    public readonly struct Slot(SemaphoreSlim? slots) : IDisposable
    {
        public void Dispose() => slots?.Release();
    }
}
