using System.Diagnostics;
using System.Text.Json;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>
/// Runs one of the playwright-core scripts of this folder in Debian's chromium against a dashboard listening on a
/// real port; the script prints one JSON line of what it saw (with <c>error</c> when it failed).
/// </summary>
internal static class BrowserScript
{
    /// <summary>A dashboard of the fixture's cluster on Kestrel (a free port).</summary>
    public static DashboardFactory StartDashboard(DashboardFixture fixture)
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: ./test.sh installs it");
        var dashboard = new DashboardFactory(fixture.Settings, fixture.Silo.GatewayPort);
        dashboard.UseKestrel(0);
        dashboard.StartServer();
        return dashboard;
    }

    /// <summary>Where a dashboard of <see cref="StartDashboard"/> listens.</summary>
    public static string BaseUrl(DashboardFactory dashboard) =>
        dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Runs <paramref name="script"/> with <c>BOAI_ROOT</c>, <c>BASE</c> (the dashboard's address) and <paramref name="environment"/>; fails the test when it reports an error.</summary>
    public static async Task<JsonElement> RunAsync(string script, DashboardFactory dashboard, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", Path.Combine(AppContext.BaseDirectory, "Browser", script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BOAI_ROOT"] = RepositoryRoot.Find(),
                ["BASE"] = BaseUrl(dashboard),
            },
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.False(seen.TryGetProperty("error", out var error), $"{error} {errors}");
        return seen;
    }
}
