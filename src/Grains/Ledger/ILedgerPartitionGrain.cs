namespace Boai.Orleans.Ledger;

/// <summary>What an append answered: the committed event, or the one already stored for that step of the visit.</summary>
[GenerateSerializer, Immutable]
public sealed record AppendResult([property: Id(0)] LedgerEvent Event, [property: Id(1)] bool AlreadyStored);

/// <summary>
/// One partition of the visit ledger, keyed by partition number: the only writer of its partition. It orders the
/// partition's events, group-commits concurrent appends into entity-group transactions, and delivers committed events
/// to their projections (volunteer, household, district, menu orders), each projection in log order on a lane of its
/// own, from its cursor, until each projection holds them.
/// </summary>
public interface ILedgerPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Completes once the step is durable (or answers the stored one); throws when storage failed, and then nothing was
    /// adopted. An <paramref name="audit"/> entry is written in the step's transaction, when the step is new.
    /// </summary>
    Task<AppendResult> Append(VisitStep step, VisitRecord visit, AuditEntry? audit = null);

    /// <summary>Activates the partition, so it delivers what a dead silo left undelivered.</summary>
    Task Wake();

    /// <summary>
    /// Completes when every event committed so far has reached its projections (tests, rebuild checks). That waits for
    /// the projections' writes behind (a household's write, then the district's write of its summary, 5 s each by
    /// default) and, after a silo died, for their activations elsewhere: longer than an ordinary call's response
    /// timeout, so this call has its own. A caller that gives up cancels <paramref name="cancellationToken"/>, which ends
    /// the call in the partition too (a call still waiting there would hold the partition's deactivation).
    /// </summary>
    [ResponseTimeout("00:01:30")]
    Task<long> Delivered(CancellationToken cancellationToken = default);
}
