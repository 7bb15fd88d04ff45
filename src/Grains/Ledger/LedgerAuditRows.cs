using System.Globalization;
using Azure.Data.Tables;

namespace Boai.Orleans.Ledger;

/// <summary>
/// The audit entries of phones' visit steps, written by the step's own append (same partition, same entity-group
/// transaction), so the phone waits for one storage request and the entry exists exactly when the step does. Row
/// <c>a|{yyyyMMdd of At, UTC}|{seq:D16}</c>, the audit table's properties (<see cref="AuditRow"/>); the audit search
/// reads a day's range of every partition beside the audit table's day.
/// </summary>
public static class LedgerAuditRows
{
    /// <summary>What an event may add to its append's transaction: one audit row when it is stamped.</summary>
    public const int RowsPerEvent = 1;

    /// <summary>Adds the audit row of each stamped event (<paramref name="audits"/> parallel to <paramref name="events"/>).</summary>
    public static void Add(List<TableTransactionAction> actions, string partitionKey, IReadOnlyList<LedgerEvent> events, IReadOnlyList<AuditEntry?>? audits)
    {
        if (audits is null)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(audits.Count, events.Count, nameof(audits));
        for (var i = 0; i < events.Count; i++)
        {
            if (audits[i] is { } audit)
            {
                actions.Add(new(TableTransactionActionType.Add, AuditRow.ToEntity(partitionKey, RowKey(audit, events[i].Seq), audit)));
            }
        }
    }

    public static string RowKey(AuditEntry audit, long seq) => DayPrefix(DateOnly.FromDateTime(audit.At.UtcDateTime)) + seq.ToString("D16", CultureInfo.InvariantCulture);

    /// <summary>The rows of one UTC day in a partition begin with this.</summary>
    public static string DayPrefix(DateOnly day) => "a|" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|";

    /// <summary>The query of one partition's audit rows of a day, by subject when given (storage filters it).</summary>
    public static string DayFilter(string partitionKey, DateOnly day, string? sub)
    {
        var prefix = DayPrefix(day);
        return string.IsNullOrEmpty(sub)
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey gt {prefix} and RowKey lt {prefix + "~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey gt {prefix} and RowKey lt {prefix + "~"} and Sub eq {sub}");
    }
}
