using Boai.Orleans.Dashboard.Security;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>Audits every change (PUT, POST, DELETE) and every read of a full file, once the handler has answered.</summary>
public sealed class AuditFilter(AuditLog audit, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var endpoint = http.GetEndpoint();
        var isChange = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        var isAuditedRead = !isChange && endpoint?.Metadata.GetMetadata<AuditedRead>() is not null;
        if ((!isChange && !isAuditedRead) || Caller.From(http.User) is not { } caller)
        {
            return result;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        if (isAuditedRead && status != StatusCodes.Status200OK)
        {
            // Nothing was read.
            return result;
        }

        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? string.Empty;
        var ids = string.Join(';', http.Request.RouteValues.Where(v => v.Value is string).Select(v => $"{v.Key}={v.Value}"));
        await audit.RecordAsync(
            new AuditEntry(time.GetUtcNow(), caller.Sub, caller.Role, isChange ? AuditLog.Change : AuditLog.Read, http.Request.Method, route, ids, status, http.TraceIdentifier),
            http.RequestAborted);
        return result;
    }
}
