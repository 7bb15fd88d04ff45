using Boai.Orleans.Storage;

namespace Boai.Orleans.Hosting;

/// <summary>
/// Tells the process's writes behind that the silo stops (<see cref="WriteBehindGate.Stop"/>) as the first thing of its
/// shutdown, before it deactivates its grains: a grain deactivates only once its running calls end, and a ledger lane's
/// call that waits for a household's write behind would otherwise hold it (and every call sent to it) for up to the
/// household's whole interval.
/// </summary>
internal sealed class WritesBehindOnStop(WriteBehindGate gate) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(WritesBehindOnStop),
            ServiceLifecycleStage.Active,
            _ => Task.CompletedTask,
            _ =>
            {
                gate.Stop();
                return Task.CompletedTask;
            });
}
