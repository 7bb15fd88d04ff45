using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Data.Tables;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Ledger;

/// <summary>
/// The hours ledger with a per-volunteer index beside it (<see cref="BoaiTableOptions.VolunteerLedgerTable"/>: partition
/// = volunteer, a copy of each of their records), so a volunteer's certificate or history is one partition query
/// however large the ledger grows, instead of a scan of every district's partitions. Each record is written to both
/// before it is acknowledged; both writes are idempotent upserts, so a retried write after a failure of either heals it.
/// The ledger's own partitions stay the source for district reports.
/// </summary>
public sealed class VolunteerLedgerIndex(IVisitLedger ledger, BoaiTables tables) : IVisitLedger
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task AppendAsync(LedgerEntry entry, CancellationToken cancellationToken = default) =>
        Task.WhenAll(
            ledger.AppendAsync(entry, cancellationToken),
            IndexAsync(entry.VolunteerId, AzureTableKeys.Escape(entry.VisitId), "visit", entry.CheckedInAt, JsonSerializer.Serialize(entry, Json), cancellationToken));

    public Task AppendDecisionAsync(LedgerDecision decision, CancellationToken cancellationToken = default) =>
        Task.WhenAll(
            ledger.AppendDecisionAsync(decision, cancellationToken),
            IndexAsync(
                decision.VolunteerId,
                AzureTableKeys.Compose(decision.VisitId, decision.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)),
                "decision",
                decision.CheckedInAt,
                JsonSerializer.Serialize(decision, Json),
                cancellationToken));

    /// <summary>One partition query: the volunteer's records whose check-in lies in [from, to).</summary>
    public async IAsyncEnumerable<LedgerVisit> ReadVolunteerAsync(
        string volunteerId,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await tables.VolunteerLedger;
        var partition = AzureTableKeys.Escape(volunteerId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (from is { } f)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CheckedInAt ge {f}");
        }

        if (to is { } t)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CheckedInAt lt {t}");
        }

        var entries = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        var decisions = new Dictionary<string, LedgerDecision>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var json = row.GetString("Json") ?? "null";
            if (row.GetString("Kind") == "decision")
            {
                if (JsonSerializer.Deserialize<LedgerDecision>(json, Json) is { } decision
                    && (!decisions.TryGetValue(decision.VisitId, out var seen) || seen.At <= decision.At))
                {
                    decisions[decision.VisitId] = decision;
                }
            }
            else if (JsonSerializer.Deserialize<LedgerEntry>(json, Json) is { } entry)
            {
                entries[entry.VisitId] = entry;
            }
        }

        foreach (var entry in entries.Values.OrderBy(e => e.CheckedInAt))
        {
            yield return new LedgerVisit(entry, decisions.GetValueOrDefault(entry.VisitId));
        }
    }

    /// <summary>Copies one visit, as the ledger reads it back, into the index (<see cref="VolunteerLedgerIndexBackfill"/>).</summary>
    internal async Task IndexAsync(LedgerVisit visit, CancellationToken cancellationToken)
    {
        var entry = visit.Entry;
        await IndexAsync(entry.VolunteerId, AzureTableKeys.Escape(entry.VisitId), "visit", entry.CheckedInAt, JsonSerializer.Serialize(entry, Json), cancellationToken);
        if (visit.Decision is { } decision)
        {
            var rowKey = AzureTableKeys.Compose(decision.VisitId, decision.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture));
            await IndexAsync(decision.VolunteerId, rowKey, "decision", decision.CheckedInAt, JsonSerializer.Serialize(decision, Json), cancellationToken);
        }
    }

    public IAsyncEnumerable<LedgerVisit> ReadDistrictAsync(string districtId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ledger.ReadDistrictAsync(districtId, from, to, cancellationToken);

    private async Task IndexAsync(string volunteerId, string rowKey, string kind, DateTimeOffset checkedInAt, string json, CancellationToken cancellationToken)
    {
        var table = await tables.VolunteerLedger;
        var entity = new TableEntity(AzureTableKeys.Escape(volunteerId), rowKey)
        {
            ["Kind"] = kind,
            ["CheckedInAt"] = checkedInAt,
            ["Json"] = json,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }
}
