using System.Collections.Concurrent;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// What a client saw of its own operations, for a Jepsen-style check afterwards: every operation is invoked, then
/// either acknowledged (with the answer), or indeterminate (an error or a timeout: it may or may not have happened)
/// until a retry of the same request is acknowledged.
/// </summary>
internal sealed class VisitHistory
{
    private readonly ConcurrentDictionary<string, VisitView> _checkedOut = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _checkedIn = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _indeterminate = new();

    /// <summary>Visits whose check-out was acknowledged, with the acknowledged answer.</summary>
    public IReadOnlyDictionary<string, VisitView> CheckedOut => _checkedOut;

    /// <summary>Visits whose check-in was acknowledged.</summary>
    public ICollection<string> CheckedIn => _checkedIn.Keys;

    /// <summary>Attempts that failed or timed out and were retried (each line: operation, visit, why).</summary>
    public IReadOnlyCollection<string> Indeterminate => _indeterminate;

    public void AcknowledgedCheckIn(string visitId) => _checkedIn.TryAdd(visitId, 0);

    public void AcknowledgedCheckOut(VisitView visit)
    {
        // A second acknowledgement of one visit (a retry) must answer what the first did.
        var first = _checkedOut.GetOrAdd(visit.VisitId, visit);
        Assert.Equal(first.Hours, visit.Hours);
    }

    public void Retried(string operation, string visitId, string why) => _indeterminate.Enqueue($"{operation} {visitId}: {why}");
}
