using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ProblemDetailsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Validation_names_each_bad_field_and_changes_nothing()
    {
        var coordinator = fixture.Dashboard.Coordinator("shiqi");
        var id = NewId("h");
        var body = new
        {
            districtId = "shiqi",
            community = "",
            address = "x",
            location = new { lat = 122.5, lng = 113.3 },
            category = "elderly",
            riskLevel = "extreme",
            members = new[] { new { name = "", age = 200, flags = new[] { "livesAlone" } } },
        };

        using var response = await coordinator.PutAsJsonAsync($"/api/v1/households/{id}", body);
        var problem = await Problem(response, HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "community", "location.lat", "riskLevel", "members[0].name", "members[0].age" }, errors);
        Assert.NotNull(problem["title"]);
        await Expect(coordinator.GetAsync($"/api/v1/households/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_naming_the_field()
    {
        var phone = fixture.Dashboard.Volunteer("v-malformed");
        var json = """{"householdId": "h-1", "at": "2026-01-01T10:00:00+08:00", "location": {"lat": "north", "lng": 113.3}}""";

        using var response = await phone.PostAsync($"/api/v1/visits/{NewId("visit")}/check-in", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await Problem(response, HttpStatusCode.BadRequest);

        Assert.Contains("location.lat", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Truncated_json_is_a_400_problem()
    {
        using var response = await fixture.Dashboard.Volunteer("v-malformed").PostAsync(
            $"/api/v1/visits/{NewId("visit")}/check-in", new StringContent("{\"householdId\": ", Encoding.UTF8, "application/json"));

        await Problem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused()
    {
        var notes = new string('x', 70 * 1024);

        using var response = await fixture.Dashboard.Volunteer("v-big").PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/check-out", CheckOut(notes: notes));

        await Problem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_unknown_api_route_is_a_404_problem()
    {
        using var response = await fixture.Dashboard.Operator().GetAsync("/api/v1/nothing-here");

        await Problem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unknown_district_is_a_404_problem()
    {
        using var response = await fixture.Dashboard.Operator().GetAsync("/api/v1/districts/atlantis/uncovered");

        await Problem(response, HttpStatusCode.NotFound);
    }

    internal static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        return problem;
    }
}
