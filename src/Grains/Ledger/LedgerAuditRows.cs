using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Ledger;

/// <summary>
/// The audit entries of phones' visit steps, written by the step's own append (same partition, same entity-group
/// transaction), so the phone waits for one storage request and the entry exists exactly when the step does. An append
/// writes one row per UTC day of its entries' <c>At</c> (in practice one): <c>a|{yyyyMMdd}|{seq:D16}</c>, seq the last
/// stamped event of that day in the append (unique in the partition, as an append's sequences are), its entries as a
/// JSON array in <c>Entries</c> (<see cref="TableText"/>) and their number in <c>Count</c>. Rows written before held one
/// entry each in the audit table's properties (<see cref="AuditRow"/>); both are read. The audit search reads a day's
/// range of every partition beside the audit table's day.
/// </summary>
public static class LedgerAuditRows
{
    /// <summary>
    /// The most rows an event can add to its append's transaction: one, when it is stamped on a day no earlier event of
    /// the append was (every event of an append may in principle carry a different day).
    /// </summary>
    public const int MaxRowsPerEvent = 1;

    private const string EntriesProperty = "Entries";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds the audit rows of the stamped events (<paramref name="audits"/> parallel to <paramref name="events"/>).</summary>
    public static void Add(List<TableTransactionAction> actions, string partitionKey, IReadOnlyList<LedgerEvent> events, IReadOnlyList<AuditEntry?>? audits)
    {
        if (audits is null)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(audits.Count, events.Count, nameof(audits));
        var days = new SortedDictionary<DateOnly, (long LastSeq, List<AuditEntry> Entries)>();
        for (var i = 0; i < events.Count; i++)
        {
            if (audits[i] is not { } audit)
            {
                continue;
            }

            var day = DayOf(audit);
            var entries = days.TryGetValue(day, out var found) ? found.Entries : [];
            entries.Add(audit);
            days[day] = (events[i].Seq, entries);
        }

        foreach (var (day, (lastSeq, entries)) in days)
        {
            var row = new TableEntity(partitionKey, RowKey(day, lastSeq)) { ["Count"] = entries.Count };
            TableText.Write(row, EntriesProperty, JsonSerializer.Serialize(entries, Json));
            actions.Add(new(TableTransactionActionType.Add, row));
        }
    }

    /// <summary>The entries of an audit row: an append's (<see cref="Add"/>) or, from before, one entry's.</summary>
    public static IEnumerable<AuditEntry> Read(TableEntity row) =>
        TableText.Read(row, EntriesProperty) is { } json
            ? JsonSerializer.Deserialize<List<AuditEntry>>(json, Json)!
            : [AuditRow.FromEntity(row)];

    public static string RowKey(DateOnly day, long seq) => DayPrefix(day) + seq.ToString("D16", CultureInfo.InvariantCulture);

    /// <summary>The UTC day an entry is kept under.</summary>
    public static DateOnly DayOf(AuditEntry audit) => DateOnly.FromDateTime(audit.At.UtcDateTime);

    /// <summary>The rows of one UTC day in a partition begin with this.</summary>
    public static string DayPrefix(DateOnly day) => "a|" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|";

    /// <summary>The query of one partition's audit rows of a day (a row holds several subjects: the reader picks).</summary>
    public static string DayFilter(string partitionKey, DateOnly day)
    {
        var prefix = DayPrefix(day);
        return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey gt {prefix} and RowKey lt {prefix + "~"}");
    }
}
