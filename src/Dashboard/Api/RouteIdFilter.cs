using System.Buffers;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// Every id in an API path becomes a grain key and a table key, so none reaches a grain unless it has the shape of an
/// id: caller ids (<see cref="Model.Ids"/>) or ids the service made from them (<c>household~n3</c>). Anything else
/// (over <see cref="MaxLength"/> characters, slashes, control characters, spaces) is a 400 naming the path parameter,
/// before any grain is asked: a 1 KB key would otherwise fail in storage as a 503 that no retry cures.
/// </summary>
public sealed class RouteIdFilter : IEndpointFilter
{
    /// <summary>A caller id (64) and the suffix the service adds to make a need, pairing or order id.</summary>
    public const int MaxLength = 100;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-~");

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        Validation? v = null;
        foreach (var (name, value) in context.HttpContext.Request.RouteValues)
        {
            if (value is string text && !IsIdShaped(text))
            {
                (v ??= new Validation()).Add(name, Model.Ids.IdRule);
            }
        }

        return v is null ? next(context) : ValueTask.FromResult<object?>(v.Problem());
    }

    public static bool IsIdShaped(string text) =>
        text.Length is > 0 and <= MaxLength && !text.AsSpan().ContainsAnyExcept(Allowed);
}
