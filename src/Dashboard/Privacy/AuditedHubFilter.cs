using Boai.Orleans.Dashboard.Security;
using Microsoft.AspNetCore.SignalR;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// A hub call the hub refuses (watching a district that is not the caller's) is a denied access like an API 403:
/// audited, with the method and its arguments, before the refusal reaches the client.
/// </summary>
public sealed class AuditedHubFilter(AuditLog audit, TimeProvider time) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException) when (invocationContext.Context.User is { } user && Caller.From(user) is { } caller)
        {
            var arguments = string.Join(';', invocationContext.HubMethodArguments.Select(a => a?.ToString()));
            await audit.RecordAsync(new AuditEntry(
                time.GetUtcNow(), caller.Sub, caller.Role, AuditLog.Denied, "HUB", AuthSetup.HubPath + "#" + invocationContext.HubMethodName,
                arguments, StatusCodes.Status403Forbidden, invocationContext.Context.ConnectionId));
            throw;
        }
    }
}
