using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>Dev tokens, rate limits, health and the OpenAPI document.</summary>
[Collection(DashboardCollection.Name)]
public sealed class HostingTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Dev_token_mints_a_token_the_api_accepts()
    {
        var client = fixture.Dashboard.CreateClient();

        var minted = await Expect(client.PostAsJsonAsync("/api/v1/dev/token", new { sub = "coord-1", role = "coordinator", districts = new[] { "shiqi" } }), HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", minted["token"]!.GetValue<string>());

        var districts = await Expect(client.GetAsync("/api/v1/districts"), HttpStatusCode.OK);
        Assert.Equal("shiqi", districts[0]!["districtId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dev_token_refuses_an_unknown_role()
    {
        using var response = await fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "x", role = "admin" });
        var problem = await ProblemDetailsTests.Problem(response, HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["role"]);
    }

    [Fact]
    public async Task Dev_token_does_not_exist_in_production_even_when_configured()
    {
        // The test silo's ports are plaintext on loopback: the declared boundary lets a Production host start against them.
        var production = fixture.NewDashboard(new Dictionary<string, string?> { ["Cluster:Tls:AllowPlaintext"] = "true" }, environment: "Production");

        using var response = await production.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "op", role = "operator" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Visits_beyond_the_rate_limit_get_429_with_retry_after()
    {
        var limited = fixture.NewDashboard(new Dictionary<string, string?>
        {
            ["RateLimits:Visits:TokenLimit"] = "2",
            ["RateLimits:Visits:TokensPerPeriod"] = "1",
            ["RateLimits:Visits:ReplenishmentPeriod"] = "00:10:00",
        });
        var phone = limited.Volunteer("v-hasty");
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await phone.GetAsync($"/api/v1/visits/{NewId("visit")}");
            codes.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], codes);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await ProblemDetailsTests.Problem(last, HttpStatusCode.TooManyRequests);
        // Another volunteer has a bucket of their own.
        await Expect(limited.Volunteer("v-calm").GetAsync($"/api/v1/visits/{NewId("visit")}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Health_is_live_and_ready_with_the_cluster_and_storage_up()
    {
        var client = fixture.Dashboard.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_routes_and_the_bearer_scheme()
    {
        var document = await Expect(fixture.Dashboard.CreateClient().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["securitySchemes"]!["bearer"]);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/visits/{visitId}/check-in", paths);
        Assert.Contains("/api/v1/districts/{districtId}/hours.csv", paths);
        Assert.Contains("/api/v1/households/{householdId}/major-change", paths);
        using var scalar = await fixture.Dashboard.CreateClient().GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }
}
