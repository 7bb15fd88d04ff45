using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Ledger;

/// <summary>How the ledger is laid out in its table.</summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";

    /// <summary>The default of <see cref="Partitions"/> (docs/BENCHMARKS.md says why 8).</summary>
    public const int DefaultPartitions = 8;

    /// <summary>
    /// Partitions of a new ledger table. Concurrent appends to one partition share a transaction, so fewer partitions
    /// batch more; more partitions spread load on real Azure Tables (about 2,000 entities/s per partition). A table
    /// records its count on first use and keeps it: for an existing table this setting is not used.
    /// </summary>
    public int Partitions { get; set; } = DefaultPartitions;

    /// <summary>
    /// How long a volunteer may hold applied visit events in memory before it writes its state (and on deactivation):
    /// the ledger has them, and an activation catches up from it, so writing behind loses nothing and coalesces a busy
    /// volunteer's events into one write. Each volunteer waits a random time between half and all of it, so volunteers
    /// active together do not all write in the same second.
    /// </summary>
    public TimeSpan VolunteerWriteBehind { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The ledger on Azure Tables (<c>Storage:LedgerTable</c>). Partition <c>p{n}</c>, n = FNV-1a(visit id) mod
/// <see cref="LedgerOptions.Partitions"/>. Each event is three rows of its partition, written in one entity-group
/// transaction with up to 32 other events and the partition's cursor row:
/// <c>e|{seq}</c> (the partition's log, read from the cursor when a partition catches up),
/// <c>v|{visitId}|{volunteerId}|{step}</c> (inserted, never replaced: a step of a visit exists at most once; the visits
/// of every volunteer whose phone chose one id are one range read, which is how coordinators find a visit by its id),
/// <c>w|{volunteerId}|{seq}</c> (a volunteer's history, one range read per partition), and <c>c</c> (the cursor:
/// events up to it reached every projection).
/// </summary>
public sealed partial class AzureTableVisitLog(BoaiTables tables, IOptions<LedgerOptions> options, ILogger<AzureTableVisitLog>? logger = null) : IVisitLog
{
    /// <summary>Three rows per event and the cursor row within a transaction's 100 entities.</summary>
    public const int MaxEventsPerAppend = 33;

    private const string CursorRow = "c";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private int _partitions = Math.Max(1, options.Value.Partitions);

    /// <summary>The table's own count once it is open (<see cref="OpenAsync"/>); the setting only lays out a new table.</summary>
    public int Partitions => _partitions;

    /// <summary>The table's partition count, written on its first use; checked before anything is read or written.</summary>
    private const string LayoutPartition = "layout";

    /// <summary>What tables written before the layout row existed were laid out with (the only default there was).</summary>
    private const int UnrecordedPartitions = 16;

    private Task<TableClient>? _table;

    public int PartitionOf(string visitId)
    {
        var hash = 2166136261u;
        foreach (var c in visitId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Partitions);
    }

    public async Task AppendAsync(int partition, IReadOnlyList<LedgerEvent> events, long cursor, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(events.Count, MaxEventsPerAppend);
        var table = await TableAsync();
        var pk = PartitionKey(partition);
        var actions = new List<TableTransactionAction>(events.Count * 3 + 1);
        foreach (var e in events)
        {
            var json = JsonSerializer.Serialize(e, Json);
            actions.Add(new(TableTransactionActionType.Add, Row(pk, EventRow(e.Seq), e, json)));
            actions.Add(new(TableTransactionActionType.Add, Row(pk, VisitRow(e.Visit, e.Step), e, json)));
            actions.Add(new(TableTransactionActionType.Add, Row(pk, VolunteerRow(e.Visit.VolunteerId, e.Seq), e, json)));
        }

        actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, CursorRow) { ["Cursor"] = cursor }));
        var startedAt = Stopwatch.GetTimestamp();
        Telemetry.LedgerAppend();
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            Telemetry.StorageWrite("ledger", startedAt, succeeded: true);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex is { } index && index < events.Count * 3)
        {
            Telemetry.StorageWrite("ledger", startedAt, succeeded: false);
            var failed = events[index / 3];
            if (index % 3 == 1)
            {
                var stored = (await ReadVisitAsync(failed.Visit.VisitId, cancellationToken))
                    .FirstOrDefault(s => s.Visit.VolunteerId == failed.Visit.VolunteerId && StepKey(s.Step) == StepKey(failed.Step));
                throw new LedgerStepExistsException(stored ?? failed);
            }

            throw;
        }
        catch
        {
            Telemetry.StorageWrite("ledger", startedAt, succeeded: false);
            throw;
        }
    }

    public async Task<IReadOnlyList<LedgerEvent>> ReadVisitAsync(string visitId, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        var pk = PartitionKey(PartitionOf(visitId));
        var prefix = $"v|{visitId}|";
        var events = new List<LedgerEvent>();
        await foreach (var row in Range(table, pk, prefix, cancellationToken))
        {
            events.Add(Read(row));
        }

        return events.OrderBy(e => e.Seq).ToList();
    }

    public async Task<LedgerTail> ReadTailAsync(int partition, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        var pk = PartitionKey(partition);
        long cursor = 0;
        try
        {
            var row = await table.GetEntityAsync<TableEntity>(pk, CursorRow, cancellationToken: cancellationToken);
            cursor = row.Value.GetInt64("Cursor") ?? 0;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // A partition never written.
        }

        var events = new List<LedgerEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {EventRow(cursor)} and RowKey lt {"e|~"}");
        await foreach (var row in Query(table, filter, cancellationToken))
        {
            events.Add(Read(row));
        }

        return new LedgerTail(cursor, events);
    }

    public async IAsyncEnumerable<LedgerEvent> ReadVolunteerAsync(string volunteerId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        for (var p = 0; p < Partitions; p++)
        {
            await foreach (var row in Range(table, PartitionKey(p), $"w|{volunteerId}|", cancellationToken))
            {
                yield return Read(row);
            }
        }
    }

    public async Task<IReadOnlyList<LedgerEvent>> ReadVolunteerAfterAsync(string volunteerId, LedgerPositions applied, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        var reads = Enumerable.Range(0, Partitions).Select(async p =>
        {
            var events = new List<LedgerEvent>();
            var from = VolunteerRow(volunteerId, applied.Of(p));
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(p)} and RowKey gt {from} and RowKey lt {$"w|{volunteerId}|~"}");
            await foreach (var row in Query(table, filter, cancellationToken))
            {
                events.Add(Read(row));
            }

            return events;
        });
        return (await Task.WhenAll(reads)).SelectMany(e => e).ToList();
    }

    public async IAsyncEnumerable<LedgerEvent> ReadAllAsync(string? districtId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        for (var p = 0; p < Partitions; p++)
        {
            var pk = PartitionKey(p);
            var filter = districtId is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {"e|"} and RowKey lt {"e|~"}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {"e|"} and RowKey lt {"e|~"} and DistrictId eq {districtId}");
            await foreach (var row in Query(table, filter, cancellationToken))
            {
                yield return Read(row);
            }
        }
    }

    /// <summary>The table, once its recorded partition count is this service's (the first call records it).</summary>
    private Task<TableClient> TableAsync()
    {
        var table = _table;
        if (table is null || table.IsFaulted || table.IsCanceled)
        {
            table = CheckLayoutAsync();
            _table = table;
        }

        return table;
    }

    public async Task OpenAsync(CancellationToken cancellationToken = default) => await TableAsync();

    /// <summary>
    /// A visit's partition is a hash of its id modulo the partition count, so a table read with another count than it
    /// was written with would not find its visits, and sequences would restart: the table's recorded count is the one
    /// used, whatever <c>Ledger:Partitions</c> says (a warning names both). A table without the record holds either
    /// nothing (the setting's count is recorded now) or events of the time before the record, whose count was the old
    /// default, 16.
    /// </summary>
    private async Task<TableClient> CheckLayoutAsync()
    {
        var table = await tables.Ledger;
        int? recorded = null;
        try
        {
            var row = await table.GetEntityAsync<TableEntity>(LayoutPartition, "partitions");
            recorded = row.Value.GetInt32("Partitions");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            var partitions = TableClient.CreateQueryFilter($"PartitionKey ge {"p"} and PartitionKey lt {"q"}");
            await foreach (var _ in table.QueryAsync<TableEntity>(partitions, maxPerPage: 1, select: ["PartitionKey"]))
            {
                recorded = UnrecordedPartitions;
                break;
            }
        }

        if (recorded is { } count && count != _partitions)
        {
            if (logger is not null)
            {
                Log.TableCountKept(logger, table.Name, count, _partitions);
            }

            _partitions = count;
        }

        if (recorded is null)
        {
            try
            {
                await table.AddEntityAsync(new TableEntity(LayoutPartition, "partitions") { ["Partitions"] = Partitions });
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another silo recorded it first: its count is checked like any other.
                return await CheckLayoutAsync();
            }
        }

        return table;
    }

    /// <summary>The row key of a step: a decision is one step whatever it decided; a back-fill is the visit's first.</summary>
    private static string StepKey(VisitStep step) => step switch
    {
        VisitStep.CheckedIn or VisitStep.Backfilled => "1",
        VisitStep.CheckedOut => "2",
        _ => "3",
    };

    private static string PartitionKey(int partition) => "p" + partition.ToString("D3", CultureInfo.InvariantCulture);

    private static string EventRow(long seq) => "e|" + seq.ToString("D16", CultureInfo.InvariantCulture);

    /// <summary>
    /// Scoped by volunteer under the phone's id (rows written before visits were scoped, <c>v|{visitId}|{step}</c>, sit in
    /// the same range and are told apart by the volunteer their event names).
    /// </summary>
    private static string VisitRow(VisitRecord visit, VisitStep step) => $"v|{visit.VisitId}|{visit.VolunteerId}|{StepKey(step)}";

    private static string VolunteerRow(string volunteerId, long seq) => $"w|{volunteerId}|" + seq.ToString("D16", CultureInfo.InvariantCulture);

    private static TableEntity Row(string pk, string rowKey, LedgerEvent e, string json) => new(pk, rowKey)
    {
        ["Json"] = json,
        ["Seq"] = e.Seq,
        ["VisitId"] = e.Visit.VisitId,
        ["VolunteerId"] = e.Visit.VolunteerId,
        ["DistrictId"] = e.Visit.DistrictId,
        ["CheckedInAt"] = e.Visit.CheckedInAt,
    };

    private static LedgerEvent Read(TableEntity row) => JsonSerializer.Deserialize<LedgerEvent>(row.GetString("Json"), Json)!;

    private static IAsyncEnumerable<TableEntity> Range(TableClient table, string pk, string prefix, CancellationToken cancellationToken) =>
        Query(table, TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {prefix} and RowKey lt {prefix + "~"}"), cancellationToken);

    private static async IAsyncEnumerable<TableEntity> Query(TableClient table, string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).AsPages())
        {
            foreach (var row in page.Values)
            {
                yield return row;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "The ledger table {Table} was written with {Recorded} partitions; it keeps them (Ledger:Partitions={Configured} lays out new tables only)")]
        public static partial void TableCountKept(ILogger logger, string table, int recorded, int configured);
    }
}
