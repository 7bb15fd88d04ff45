using Boai.Orleans.Dashboard.Api;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// The Orleans dashboard's per-silo endpoints parse the silo address of their path and answer 500 when it is not one;
/// a malformed address is the caller's error: a 400 problem naming it, before the viewer is asked.
/// </summary>
public static class OrleansDashboardGuard
{
    private static readonly string[] SiloRoutes = ["SiloProperties", "SiloMetadata", "SiloStats", "SiloCounters", "HistoricalStats"];

    public static IApplicationBuilder UseOrleansDashboardGuard(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(OrleansDashboardRoutes.Path), view => view.Use(async (context, next) =>
        {
            var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length >= 3 && SiloRoutes.Contains(segments[1], StringComparer.OrdinalIgnoreCase) && !IsSiloAddress(Uri.UnescapeDataString(string.Join('/', segments[2..]))))
            {
                await ApiProblems.Invalid("address", "不是 Orleans 节点地址 / Not an Orleans silo address (ip:port@generation)").ExecuteAsync(context);
                return;
            }

            await next(context);
        }));

    private static bool IsSiloAddress(string text)
    {
        try
        {
            return SiloAddress.FromParsableString(text) is not null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException or InvalidOperationException)
        {
            return false;
        }
    }
}
