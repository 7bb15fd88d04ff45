using System.Globalization;
using System.Threading.Channels;
using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// The audit log in the audit table (<see cref="BoaiTableOptions.AuditTable"/>): one partition per UTC day, rows in
/// time order. <see cref="RecordAsync"/> returns only once the entry is stored, so no answer leaves before its audit
/// entry is durable and a crash loses none: a request whose entry cannot be written fails (503) instead. Entries that
/// arrive while a write is in flight are group-committed (one entity-group transaction per day, 100 rows each), so
/// concurrent requests share a storage round trip instead of queueing behind one another. A phone's new visit step is
/// audited by a row of its own ledger transaction instead (<see cref="LedgerAuditRows"/>); the search reads both.
/// </summary>
public sealed partial class AuditLog(BoaiTables tables, IVisitLog ledger, ILogger<AuditLog> logger) : IAsyncDisposable
{
    public const string Read = "read";
    public const string Change = "change";
    public const string Denied = "denied";

    /// <summary>The longest period one search reads: one partition per day.</summary>
    public const int MaxSearchDays = 31;

    public const int MaxSearchResults = 500;

    private const int MaxBatch = 100;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _start = new();
    private Task? _writer;

    /// <summary>Stores the entry; completes when it is durable, throws when it could not be written.</summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(AuditLog), "The audit log is closed: the host is stopping.");
        }

        EnsureWriter();
        // The entry is written even if the caller goes away; only the wait is given up.
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The entries of a period, newest first, filtered by subject, object id (a substring of the ids) and action: each
    /// day's audit table partition and the ledger's audit rows of that day (<see cref="IVisitLog.ReadAuditAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> SearchAsync(
        DateOnly fromDay, DateOnly toDay, string? sub, string? objectId, string? action, CancellationToken cancellationToken)
    {
        var table = await tables.Audit;
        var found = new List<AuditEntry>();
        for (var day = toDay; day >= fromDay && found.Count < MaxSearchResults; day = day.AddDays(-1))
        {
            var partition = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var filter = string.IsNullOrEmpty(sub)
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Sub eq {sub}");
            var ofLedger = ledger.ReadAuditAsync(day, sub, cancellationToken);
            var ofDay = new List<AuditEntry>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                ofDay.Add(AuditRow.FromEntity(row));
            }

            ofDay.AddRange(await ofLedger);
            found.AddRange(ofDay.Where(e => AuditRow.Matches(e, sub, objectId, action)).OrderByDescending(e => e.At));
        }

        return found.Take(MaxSearchResults).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            await writer;
        }
    }

    internal static string PartitionOf(AuditEntry entry) => entry.At.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_start)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 1_000 && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            var writes = batch
                .GroupBy(p => PartitionOf(p.Entry))
                .SelectMany(day => day.Chunk(MaxBatch).Select(chunk => WriteAsync(day.Key, chunk)));
            await Task.WhenAll(writes);
        }
    }

    private async Task WriteAsync(string partition, Pending[] entries)
    {
        try
        {
            var table = await tables.Audit;
            if (entries.Length == 1)
            {
                await table.UpsertEntityAsync(ToEntity(partition, entries[0].Entry), TableUpdateMode.Replace);
            }
            else
            {
                await table.SubmitTransactionAsync(entries.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partition, e.Entry))));
            }

            foreach (var e in entries)
            {
                e.Done.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            LogNotWritten(logger, ex, entries.Length, partition);
            foreach (var e in entries)
            {
                e.Done.TrySetException(ex);
            }
        }
    }

    private static TableEntity ToEntity(string partition, AuditEntry e) => AuditRow.ToEntity(partition, $"{e.At.UtcTicks:D19}-{Guid.NewGuid():N}", e);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "{Count} audit entries of {Partition} could not be written; their requests fail instead of answering unaudited.")]
    private static partial void LogNotWritten(ILogger logger, Exception exception, int count, string partition);

    private sealed record Pending(AuditEntry Entry, TaskCompletionSource Done);
}

/// <summary>Endpoint metadata: a successful GET of this endpoint reads personal data, and is audited.</summary>
public sealed class AuditedRead
{
    public static readonly AuditedRead Instance = new();

    private AuditedRead()
    {
    }
}
