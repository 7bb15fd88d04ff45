using System.Net;
using System.Net.Http.Json;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Findings 4 (rate limit on every route), 5 (short tokens, hub closed at expiry), 9 (dev tokens fail closed), 10 (key on no command line).</summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessHardeningTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("Staging")]
    [InlineData("Test")]
    public async Task Dev_tokens_are_off_outside_development_and_the_demo_even_when_configured(string environment)
    {
        var dashboard = fixture.NewDashboard(environment: environment);

        using var response = await dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "op", role = "operator" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Dev_tokens_work_in_the_demo_and_live_fifteen_minutes()
    {
        var demo = fixture.NewDashboard(environment: "Demo");

        var minted = await Expect(demo.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "op", role = "operator" }), HttpStatusCode.OK);

        var lifetime = minted["expiresAt"]!.GetValue<DateTimeOffset>() - DateTimeOffset.UtcNow;
        Assert.InRange(lifetime, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task A_hub_connection_is_closed_when_its_token_expires()
    {
        var token = fixture.Dashboard.Get<TokenSigning>().Issue("coord-expiring", Roles.Coordinator, ["shiqi"], TimeSpan.FromSeconds(3)).Token;
        await using var hub = fixture.Dashboard.Hub(token);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync("Watch", "shiqi");

        // A token outlived by its connection would keep the district's events flowing after the grant ended.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    [Fact]
    public async Task Every_route_has_a_per_user_rate_limit_answering_429_with_retry_after()
    {
        var limited = fixture.NewDashboard(new Dictionary<string, string?>
        {
            ["RateLimits:PerUser:TokenLimit"] = "3",
            ["RateLimits:PerUser:TokensPerPeriod"] = "1",
            ["RateLimits:PerUser:ReplenishmentPeriod"] = "00:10:00",
        });
        var coordinator = limited.Coordinator("shiqi");
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await coordinator.GetAsync("/api/v1/catalogue");
            codes.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await ProblemDetailsTests.Problem(last, HttpStatusCode.TooManyRequests);
        last.Dispose();
        await Expect(limited.Coordinator("dongqu").GetAsync("/api/v1/catalogue"), HttpStatusCode.OK);
    }

    [Fact]
    public void The_signing_key_can_come_from_a_file_and_the_scripts_never_put_it_on_a_command_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, DashboardFactory.SigningKey + "\n");
            var options = new AuthOptions { SigningKeyFile = file };
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(DashboardFactory.SigningKey), options.SigningKeyBytes);
        }
        finally
        {
            File.Delete(file);
        }

        var root = RepositoryRoot.Find();
        foreach (var script in new[] { "run.sh", "bench.sh" })
        {
            var text = File.ReadAllText(Path.Combine(root, script));
            Assert.DoesNotContain("Auth__SigningKey=", text, StringComparison.Ordinal);
            Assert.DoesNotContain("--Auth:SigningKey=", text, StringComparison.Ordinal);
        }
    }
}
