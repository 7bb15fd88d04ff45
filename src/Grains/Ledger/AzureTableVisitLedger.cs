using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Ledger;

/// <summary>
/// The hours ledger on Azure Tables. Partition: district and month of the check-in, so one district's visits of a
/// month can be written 100 to a transaction and read by one partition query. Row: the visit id; each decision on a
/// visit is a row of its own after it (<c>visitId|ticks</c>), so no record is ever rewritten.
/// Writes are group-committed: whatever arrives while a write is in flight goes out in the next transactions.
/// </summary>
public sealed partial class AzureTableVisitLedger : IVisitLedger, IAsyncDisposable
{
    private const int MaxBatch = 100;
    private readonly BoaiTables _tables;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger<AzureTableVisitLedger> _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<Task> _writer;

    public AzureTableVisitLedger(BoaiTables tables, IOptions<ServiceRulesOptions> rules, ILogger<AzureTableVisitLedger> logger)
    {
        _tables = tables;
        _zone = TimeZones.Find(rules.Value.TimeZone);
        _logger = logger;
        _writer = new Lazy<Task>(() => Task.Run(WriteLoopAsync));
    }

    public Task AppendAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(Partition(entry.DistrictId, entry.CheckedInAt), AzureTableKeys.Escape(entry.VisitId))
        {
            ["Kind"] = "visit",
            ["VisitId"] = entry.VisitId,
            ["VolunteerId"] = entry.VolunteerId,
            ["HouseholdId"] = entry.HouseholdId,
            ["DistrictId"] = entry.DistrictId,
            ["NeedId"] = entry.NeedId,
            ["CheckedInAt"] = entry.CheckedInAt,
            ["CheckedOutAt"] = entry.CheckedOutAt,
            ["DurationMinutes"] = entry.DurationMinutes,
            ["Hours"] = entry.Hours,
            ["Flags"] = JsonSerializer.Serialize(entry.Flags),
            ["Services"] = JsonSerializer.Serialize(entry.Services),
            ["Notes"] = entry.Notes,
            ["Backfilled"] = entry.Backfilled,
            ["BackfillReason"] = entry.BackfillReason,
            ["RecordedAt"] = entry.RecordedAt,
        };
        return EnqueueAsync(entity, cancellationToken);
    }

    public Task AppendDecisionAsync(LedgerDecision decision, CancellationToken cancellationToken = default)
    {
        var rowKey = AzureTableKeys.Compose(decision.VisitId, decision.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture));
        var entity = new TableEntity(Partition(decision.DistrictId, decision.CheckedInAt), rowKey)
        {
            ["Kind"] = "decision",
            ["VisitId"] = decision.VisitId,
            ["VolunteerId"] = decision.VolunteerId,
            ["DistrictId"] = decision.DistrictId,
            ["CheckedInAt"] = decision.CheckedInAt,
            ["Decision"] = decision.Decision.ToContract(),
            ["By"] = decision.By,
            ["At"] = decision.At,
            ["Reason"] = decision.Reason,
        };
        return EnqueueAsync(entity, cancellationToken);
    }

    public async IAsyncEnumerable<LedgerVisit> ReadVolunteerAsync(
        string volunteerId,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await _tables.Ledger;
        var filter = TableClient.CreateQueryFilter($"VolunteerId eq {volunteerId}");
        var rows = table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken);
        await foreach (var visit in Assemble(rows, from, to, cancellationToken))
        {
            yield return visit;
        }
    }

    public async IAsyncEnumerable<LedgerVisit> ReadDistrictAsync(
        string districtId,
        DateTimeOffset from,
        DateTimeOffset to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await _tables.Ledger;
        var month = TimeZoneInfo.ConvertTime(from, _zone);
        var last = TimeZoneInfo.ConvertTime(to, _zone);
        for (var m = new DateTime(month.Year, month.Month, 1); m <= last.DateTime; m = m.AddMonths(1))
        {
            var partition = AzureTableKeys.Compose(districtId, m.ToString("yyyyMM", CultureInfo.InvariantCulture));
            var rows = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken);
            await foreach (var visit in Assemble(rows, from, to, cancellationToken))
            {
                yield return visit;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer.IsValueCreated)
        {
            await _writer.Value;
        }

        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private string Partition(string districtId, DateTimeOffset checkedInAt) =>
        AzureTableKeys.Compose(districtId, TimeZoneInfo.ConvertTime(checkedInAt, _zone).ToString("yyyyMM", CultureInfo.InvariantCulture));

    private async Task EnqueueAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(entity, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);

        _ = _writer.Value;
        await write.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>();
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 2_000 && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<PendingWrite> writes)
    {
        TableClient table;
        try
        {
            table = await _tables.Ledger;
        }
        catch (Exception ex)
        {
            writes.ForEach(w => w.Done.TrySetException(ex));
            return;
        }

        var transactions = writes
            .GroupBy(w => w.Entity.PartitionKey)
            .SelectMany(partition => partition
                .GroupBy(w => w.Entity.RowKey)
                .Select(sameRow => sameRow.ToList())
                .Chunk(MaxBatch))
            .Select(chunk => SubmitAsync(table, chunk));
        await Task.WhenAll(transactions);
    }

    private async Task SubmitAsync(TableClient table, List<PendingWrite>[] rows)
    {
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            // A record repeated in one batch (a retried request) is written once: the rows are identical.
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r[^1].Entity)).ToList();
            if (actions.Count == 1)
            {
                await table.UpsertEntityAsync(actions[0].Entity, TableUpdateMode.Replace, _stopping.Token);
            }
            else
            {
                await table.SubmitTransactionAsync(actions, _stopping.Token);
            }

            Telemetry.StorageWrite("ledger", startedAt, succeeded: true);

            foreach (var write in rows.SelectMany(r => r))
            {
                write.Done.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            Telemetry.StorageWrite("ledger", startedAt, succeeded: false);
            Log.LedgerWriteFailed(_logger, ex, rows.Length, rows[0][0].Entity.PartitionKey);
            foreach (var write in rows.SelectMany(r => r))
            {
                write.Done.TrySetException(ex);
            }
        }
    }

    private static async IAsyncEnumerable<LedgerVisit> Assemble(
        AsyncPageable<TableEntity> rows,
        DateTimeOffset? from,
        DateTimeOffset? to,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        var decisions = new Dictionary<string, LedgerDecision>(StringComparer.Ordinal);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var checkedIn = row.GetDateTimeOffset("CheckedInAt") ?? DateTimeOffset.MinValue;
            if ((from is { } f && checkedIn < f) || (to is { } t && checkedIn >= t))
            {
                continue;
            }

            if (row.GetString("Kind") == "decision")
            {
                var decision = ReadDecision(row);
                if (!decisions.TryGetValue(decision.VisitId, out var seen) || seen.At <= decision.At)
                {
                    decisions[decision.VisitId] = decision;
                }
            }
            else
            {
                var entry = ReadEntry(row);
                entries[entry.VisitId] = entry;
            }
        }

        foreach (var entry in entries.Values.OrderBy(e => e.CheckedInAt))
        {
            yield return new LedgerVisit(entry, decisions.GetValueOrDefault(entry.VisitId));
        }
    }

    private static LedgerEntry ReadEntry(TableEntity row) => new(
        row.GetString("VisitId"),
        row.GetString("VolunteerId"),
        row.GetString("HouseholdId"),
        row.GetString("DistrictId"),
        row.GetString("NeedId"),
        row.GetDateTimeOffset("CheckedInAt") ?? default,
        row.GetDateTimeOffset("CheckedOutAt") ?? default,
        row.GetInt32("DurationMinutes") ?? 0,
        row.GetDouble("Hours") ?? 0,
        JsonSerializer.Deserialize<List<string>>(row.GetString("Flags") ?? "[]") ?? [],
        JsonSerializer.Deserialize<List<string>>(row.GetString("Services") ?? "[]") ?? [],
        row.GetString("Notes"),
        row.GetBoolean("Backfilled") ?? false,
        row.GetString("BackfillReason"),
        row.GetDateTimeOffset("RecordedAt") ?? default);

    private static LedgerDecision ReadDecision(TableEntity row) => new(
        row.GetString("VisitId"),
        row.GetString("VolunteerId"),
        row.GetString("DistrictId"),
        row.GetDateTimeOffset("CheckedInAt") ?? default,
        EnumText.TryParseContract<VisitStatus>(row.GetString("Decision"), out var d) ? d : VisitStatus.CheckedOut,
        row.GetString("By"),
        row.GetDateTimeOffset("At") ?? default,
        row.GetString("Reason"));

    private sealed record PendingWrite(TableEntity Entity, TaskCompletionSource Done);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Ledger write of {Count} records to partition {Partition} failed")]
        public static partial void LedgerWriteFailed(ILogger logger, Exception exception, int count, string partition);
    }
}
