using Boai.Orleans.Dashboard.Api;
using Microsoft.AspNetCore.Authorization;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>Endpoint metadata: residents may call this endpoint (it checks their household itself).</summary>
public sealed class ResidentAllowed
{
    public static readonly ResidentAllowed Instance = new();

    private ResidentAllowed()
    {
    }
}

/// <summary>
/// A resident's token opens only the endpoints marked <see cref="ResidentAllowed"/>; every other endpoint that needs
/// a token answers 403, whatever its own checks would say. One rule in one place, so a new route is closed to
/// residents until someone opens it on purpose.
/// </summary>
public static class ResidentGate
{
    public static TBuilder AllowResidents<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(ResidentAllowed.Instance);
        return builder;
    }

    public static IApplicationBuilder UseResidentGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is not null
            && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
            && endpoint.Metadata.GetMetadata<ResidentAllowed>() is null
            && Caller.From(context.User) is { IsResident: true })
        {
            await ApiProblems.Forbidden("居民只能为自己家点单和评价 / Residents may only order and rate for their own household").ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}
