using Azure.Data.Tables;

namespace Boai.Orleans;

/// <summary>
/// One attributable act: who (subject and role) did what (a read of personal data, a change, or an access that was
/// denied), by route and object ids, when, and how it ended. Holds no personal data: ids and route templates only.
/// Written to the audit table by the dashboard, or, for a phone's visit step, beside the step in its ledger
/// transaction (<see cref="Ledger.LedgerAuditRows"/>): the same row either way (<see cref="AuditRow"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Sub,
    [property: Id(2)] string Role,
    [property: Id(3)] string Action,
    [property: Id(4)] string Method,
    [property: Id(5)] string Route,
    [property: Id(6)] string ObjectId,
    [property: Id(7)] int Status,
    [property: Id(8)] string? TraceId);

/// <summary>An audit entry as a table row: the one mapping of the audit table and the ledger's audit rows.</summary>
public static class AuditRow
{
    public static TableEntity ToEntity(string partitionKey, string rowKey, AuditEntry e) => new(partitionKey, rowKey)
    {
        ["At"] = e.At,
        ["Sub"] = e.Sub,
        ["Role"] = e.Role,
        ["Action"] = e.Action,
        ["Method"] = e.Method,
        ["Route"] = e.Route,
        ["ObjectId"] = e.ObjectId,
        ["Status"] = e.Status,
        ["TraceId"] = e.TraceId,
    };

    public static AuditEntry FromEntity(TableEntity row) => new(
        row.GetDateTimeOffset("At") ?? default,
        row.GetString("Sub") ?? string.Empty,
        row.GetString("Role") ?? string.Empty,
        row.GetString("Action") ?? string.Empty,
        row.GetString("Method") ?? string.Empty,
        row.GetString("Route") ?? string.Empty,
        row.GetString("ObjectId") ?? string.Empty,
        row.GetInt32("Status") ?? 0,
        row.GetString("TraceId"));

    /// <summary>
    /// Whether an entry is one a search asks for: by subject, object id (a substring of the ids) and action; an empty
    /// filter takes every entry.
    /// </summary>
    public static bool Matches(AuditEntry entry, string? sub, string? objectId, string? action) =>
        (string.IsNullOrEmpty(sub) || entry.Sub == sub)
        && (string.IsNullOrEmpty(objectId) || entry.ObjectId.Contains(objectId, StringComparison.Ordinal))
        && (string.IsNullOrEmpty(action) || entry.Action == action);
}
