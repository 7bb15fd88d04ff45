using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
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

    /// <summary>The default of <see cref="Partitions"/> (README.md and docs/BENCHMARKS.md say why 2).</summary>
    public const int DefaultPartitions = 2;

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
/// <see cref="LedgerOptions.Partitions"/>. An append (up to <see cref="MaxEventsPerAppend"/> consecutive events of one
/// partition) is one entity-group transaction of these rows of the partition:
/// <c>e|{last seq}</c> (the partition's log: one row per append, holding its events as a JSON array, keyed by its last
/// sequence so a read from the cursor finds an append the cursor falls inside), and per event
/// <c>v|{visitId}|{volunteerId}|{step}</c> (inserted, never replaced: a step of a visit exists at most once; the visits
/// of every volunteer whose phone chose one id are one range read, which is how coordinators find a visit by its id; a
/// district's events are read from these rows with a filter on the district) and
/// <c>w|{volunteerId}|{seq}</c> (a volunteer's history, one range read per partition), each with the event's JSON; and
/// <c>c</c> (the cursor: events up to it reached every projection); a phone's new step adds its audit row
/// (<see cref="LedgerAuditRows"/>: one row per day of the append's stamps). Tables written before held one <c>e|{seq}</c> row
/// per event (its JSON in <c>Json</c>); they are read as they are, beside the rows of new appends.
/// </summary>
public sealed partial class AzureTableVisitLog(BoaiTables tables, IOptions<LedgerOptions> options, ILogger<AzureTableVisitLog>? logger = null) : IVisitLog
{
    /// <summary>The most rows an event may add to its append: its v| and w| rows and, when stamped, an audit row.</summary>
    public const int RowsPerEvent = 2 + LedgerAuditRows.MaxRowsPerEvent;

    /// <summary>The rows an append adds whatever its events: the log row and the cursor row.</summary>
    public const int RowsPerAppend = 2;

    /// <summary>As many events as fit a transaction's 100 entities: (100 - 2) / 3 = 32.</summary>
    public const int MaxEventsPerAppend = (100 - RowsPerAppend) / RowsPerEvent;

    private const string CursorRow = "c";

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

    /// <summary>
    /// How many of <paramref name="events"/>, from the first, one append can take: at most <see cref="MaxEventsPerAppend"/>,
    /// and no more than its log row (1 MiB an entity) and its request (4 MiB a transaction) carry; at least one. Gives
    /// those events' JSON texts too, which <see cref="AppendAsync"/> then writes as they are instead of serializing each
    /// event again.
    /// </summary>
    public static int Fitting(IReadOnlyList<LedgerEvent> events, out List<string> jsons)
    {
        jsons = new List<string>(events.Count);
        var size = AppendSize.Empty;
        foreach (var e in events)
        {
            var json = LedgerRowFormat.Serialize(e);
            var next = size.With(json);
            if (!next.Fits && size.Events > 0)
            {
                break;
            }

            size = next;
            jsons.Add(json);
        }

        return size.Events;
    }

    public async Task<LedgerVersion> AppendAsync(
        int partition,
        IReadOnlyList<LedgerEvent> events,
        long cursor,
        LedgerVersion? expected = null,
        IReadOnlyList<AuditEntry?>? audits = null,
        IReadOnlyList<string>? jsons = null,
        CancellationToken cancellationToken = default)
    {
        if (jsons is null)
        {
            jsons = events.Select(LedgerRowFormat.Serialize).ToList();
        }
        else if (jsons.Count != events.Count)
        {
            throw new ArgumentException($"{jsons.Count} texts for {events.Count} events", nameof(jsons));
        }

        var size = jsons.Aggregate(AppendSize.Empty, (s, json) => s.With(json));
        if (!size.Fits && events.Count > 1)
        {
            throw new ArgumentException($"{events.Count} events are more than one append carries ({size}); take {nameof(Fitting)} of them", nameof(events));
        }

        var table = await TableAsync();
        var pk = PartitionKey(partition);

        // The order the 409 handling below reads: the log row, then each event's v| and w| rows, then the cursor.
        var actions = new List<TableTransactionAction>((events.Count * 2) + 2);
        if (events.Count > 0)
        {
            actions.Add(new(TableTransactionActionType.Add, LogRow(pk, events, jsons)));
        }

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            actions.Add(new(TableTransactionActionType.Add, Row(pk, VisitRow(e.Visit, e.Step), e, jsons[i])));
            actions.Add(new(TableTransactionActionType.Add, Row(pk, VolunteerRow(e.Visit.VolunteerId, e.Seq), e, jsons[i])));
        }

        // The cursor row is the partition's fence: replaced only at the version the writer read (LedgerVersion).
        var cursorIndex = actions.Count;
        actions.Add(CursorAction(pk, cursor, expected));
        LedgerAuditRows.Add(actions, pk, events, audits);
        var startedAt = Stopwatch.GetTimestamp();
        Telemetry.LedgerAppend();
        try
        {
            var etag = await tables.Transactions.SubmitAsync(table.Name, actions, cursorIndex, cancellationToken);
            Telemetry.StorageWrite("ledger", startedAt, succeeded: true);
            return new LedgerVersion(etag);
        }
        catch (TableTransactionRefusedException ex) when (expected is not null && IsFenced(ex, cursorIndex, events.Count))
        {
            Telemetry.StorageWrite("ledger", startedAt, succeeded: false);
            throw new LedgerFencedException(partition, ex);
        }
        catch (TableTransactionRefusedException ex) when (ex.Status == 409 && ex.FailedActionIndex is { } index && index >= 1 && index <= events.Count * 2)
        {
            Telemetry.StorageWrite("ledger", startedAt, succeeded: false);
            // Action 1 + 2i is event i's v| row, 2 + 2i its w| row.
            var failed = events[(index - 1) / 2];
            if ((index - 1) % 2 == 0)
            {
                // That step of the visit is stored: the caller is answered with the stored event.
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
        var version = default(LedgerVersion);
        try
        {
            var row = await table.GetEntityAsync<TableEntity>(pk, CursorRow, cancellationToken: cancellationToken);
            cursor = row.Value.GetInt64("Cursor") ?? 0;
            version = new LedgerVersion(row.Value.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // A partition never written.
        }

        // A log row is keyed by its append's last sequence: the first row after the cursor's key may begin before it.
        var events = new List<LedgerEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {EventRow(cursor)} and RowKey lt {"e|~"}");
        await foreach (var row in Query(table, filter, cancellationToken))
        {
            events.AddRange(ReadLog(row).Where(e => e.Seq > cursor));
        }

        events.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return new LedgerTail(cursor, events, version);
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

    public async Task<IReadOnlyList<LedgerEvent>> ReadVolunteerAfterAsync(string volunteerId, LedgerPositions applied, CancellationToken cancellationToken = default) =>
        await QueryEveryPartitionAsync(
            p => TableClient.CreateQueryFilter(
                $"PartitionKey eq {PartitionKey(p)} and RowKey gt {VolunteerRow(volunteerId, applied.Of(p))} and RowKey lt {$"w|{volunteerId}|~"}"),
            Read,
            cancellationToken);

    public async IAsyncEnumerable<LedgerEvent> ReadAllAsync(string? districtId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await TableAsync();
        for (var p = 0; p < Partitions; p++)
        {
            var pk = PartitionKey(p);
            if (districtId is null)
            {
                await foreach (var row in Range(table, pk, "e|", cancellationToken))
                {
                    foreach (var e in ReadLog(row))
                    {
                        yield return e;
                    }
                }

                continue;
            }

            // A log row holds the events of an append, of any district: a district's are its events' v| rows (one per
            // event, each naming its district), filtered by storage and put in log order here.
            var events = new List<LedgerEvent>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {"v|"} and RowKey lt {"v|~"} and DistrictId eq {districtId}");
            await foreach (var row in Query(table, filter, cancellationToken))
            {
                events.Add(Read(row));
            }

            foreach (var e in events.OrderBy(e => e.Seq))
            {
                yield return e;
            }
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(DateOnly day, string? sub, CancellationToken cancellationToken = default) =>
        (await QueryEveryPartitionAsync(p => LedgerAuditRows.DayFilter(PartitionKey(p), day), LedgerAuditRows.Read, cancellationToken))
            .SelectMany(entries => entries)
            .Where(e => string.IsNullOrEmpty(sub) || e.Sub == sub)
            .ToList();

    /// <summary>One query in every partition at once (the filter of each), their rows read and put together in partition order.</summary>
    private async Task<List<T>> QueryEveryPartitionAsync<T>(Func<int, string> filterOf, Func<TableEntity, T> read, CancellationToken cancellationToken)
    {
        var table = await TableAsync();
        var reads = Enumerable.Range(0, Partitions).Select(async p =>
        {
            var found = new List<T>();
            await foreach (var row in Query(table, filterOf(p), cancellationToken))
            {
                found.Add(read(row));
            }

            return found;
        });
        return (await Task.WhenAll(reads)).SelectMany(found => found).ToList();
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

    /// <summary>
    /// Another writer got there first: the cursor row is not at the version this writer read (409 inserting it, 412
    /// replacing it), or the log row of these sequences exists (the other writer's append ended at the same one).
    /// </summary>
    private static bool IsFenced(TableTransactionRefusedException ex, int cursorIndex, int events) =>
        ex.FailedActionIndex is { } index
        && ((index == cursorIndex && ex.Status is 409 or 412) || (index == 0 && events > 0 && ex.Status == 409));

    /// <summary>The cursor row's write: inserted when the writer read none, replaced at the version it read, or unconditionally.</summary>
    private static TableTransactionAction CursorAction(string pk, long cursor, LedgerVersion? expected)
    {
        var row = new TableEntity(pk, CursorRow) { ["Cursor"] = cursor };
        return expected switch
        {
            null => new(TableTransactionActionType.UpsertReplace, row),
            { ETag: { } etag } => new(TableTransactionActionType.UpdateReplace, row, new ETag(etag)),
            _ => new(TableTransactionActionType.Add, row),
        };
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

    /// <summary>An event's own row (<c>v|</c>, <c>w|</c>): its JSON and what storage filters it by.</summary>
    private static TableEntity Row(string pk, string rowKey, LedgerEvent e, string json)
    {
        var row = new TableEntity(pk, rowKey)
        {
            ["Seq"] = e.Seq,
            ["VisitId"] = e.Visit.VisitId,
            ["VolunteerId"] = e.Visit.VolunteerId,
            ["DistrictId"] = e.Visit.DistrictId,
            ["CheckedInAt"] = e.Visit.CheckedInAt,
        };
        TableText.Write(row, "Json", json);
        return row;
    }

    /// <summary>The log row of an append: its events as one JSON array, keyed by the last one's sequence.</summary>
    private static TableEntity LogRow(string pk, IReadOnlyList<LedgerEvent> events, IReadOnlyList<string> jsons)
    {
        var row = new TableEntity(pk, EventRow(events[^1].Seq))
        {
            ["Seq"] = events[^1].Seq,
            ["FirstSeq"] = events[0].Seq,
            ["Count"] = events.Count,
        };
        TableText.Write(row, "Events", LedgerRowFormat.Array(jsons));
        return row;
    }

    private static LedgerEvent Read(TableEntity row) => LedgerRowFormat.ReadEvent(TableText.Read(row, "Json")!);

    /// <summary>The events of a log row: an append's (<c>Events</c>), or one event's as tables of before hold them (<c>Json</c>).</summary>
    private static List<LedgerEvent> ReadLog(TableEntity row) =>
        TableText.Read(row, "Events") is { } events ? LedgerRowFormat.ReadEvents(events) : [Read(row)];

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
