using Boai.Orleans.Dashboard.Security;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// Audits every change (PUT, POST, DELETE), every read of personal data (<see cref="PersonalData"/>) and every access the
/// API refused (403), once the handler has decided and before the answer is sent: an answer whose entry could not be
/// stored is not sent (503). A handler whose change stored its own entry with it (a phone's new visit step, in its
/// ledger transaction: <see cref="StampFor"/>, <see cref="StoredWithChange"/>) is not audited again.
/// </summary>
public sealed class AuditFilter(AuditLog audit, TimeProvider time) : IEndpointFilter
{
    private static readonly object StoredKey = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (Caller.From(http.User) is not { } caller || http.Items.ContainsKey(StoredKey))
        {
            return result;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        var action = Classify(http, status);
        if (action is null)
        {
            return result;
        }

        await audit.RecordAsync(Entry(http, caller, action, status, time.GetUtcNow()), http.RequestAborted);
        return result;
    }

    /// <summary>What an answer is for the audit log, or null when it is not audited (a read of nothing personal).</summary>
    public static string? Classify(HttpContext http, int status)
    {
        if (status == StatusCodes.Status403Forbidden)
        {
            return AuditLog.Denied;
        }

        var isRead = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        if (!isRead)
        {
            return AuditLog.Change;
        }

        // A read that did not answer 200 read nothing.
        return status == StatusCodes.Status200OK && PersonalData.IsPersonalRead(http.GetEndpoint()) ? AuditLog.Read : null;
    }

    /// <summary>
    /// The entry this request's change will have if it answers <paramref name="status"/>: a handler passes it to a command
    /// that stores it with the change, and tells the filter so (<see cref="StoredWithChange"/>) only when it did.
    /// </summary>
    public static AuditEntry StampFor(HttpContext http, Caller caller, int status, TimeProvider time) =>
        Entry(http, caller, AuditLog.Change, status, time.GetUtcNow());

    /// <summary>The request's audit entry was stored with its change (<see cref="StampFor"/>): the filter writes none.</summary>
    public static void StoredWithChange(HttpContext http) => http.Items[StoredKey] = true;

    public static AuditEntry Entry(HttpContext http, Caller caller, string action, int status, DateTimeOffset at)
    {
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? string.Empty;
        var ids = string.Join(';', http.Request.RouteValues.Where(v => v.Value is string).Select(v => $"{v.Key}={v.Value}"));
        return new AuditEntry(at, caller.Sub, caller.Role, action, http.Request.Method, route, ids, status, http.TraceIdentifier);
    }
}
