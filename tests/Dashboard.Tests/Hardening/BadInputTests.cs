using System.Net;
using System.Net.Http.Json;
using System.Text;
using Boai.Orleans.Dashboard.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Findings 8 and 10: bad input is a 400 problem naming the field, never a 500 or a 503 that no retry cures.</summary>
[Collection(DashboardCollection.Name)]
public sealed class BadInputTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("?to=9999-12-31", "to")]
    [InlineData("?from=0001-01-01", "from")]
    [InlineData("?from=2026-01-01&to=2100-01-01", "to")]
    public async Task Certificate_periods_beyond_the_calendar_are_400s_naming_the_field(string query, string field)
    {
        var volunteer = await fixture.Records.VolunteerAsync("shiqi");

        using var response = await fixture.Dashboard.Volunteer(volunteer).GetAsync($"/api/v1/volunteers/{volunteer}/certificate{query}");
        using var pdf = await fixture.Dashboard.Volunteer(volunteer).GetAsync($"/api/v1/volunteers/{volunteer}/certificate.pdf{query}");

        await ExpectField(response, field);
        await ExpectField(pdf, field);
    }

    [Theory]
    [InlineData("9999-12")]
    [InlineData("0001-01")]
    public async Task Hours_csv_of_a_month_beyond_the_calendar_is_a_400_naming_month(string month)
    {
        using var response = await fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/shiqi/hours.csv?month={month}");

        await ExpectField(response, "month");
    }

    [Fact]
    public async Task A_backfill_before_1601_is_a_400_naming_the_time()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var body = new
        {
            volunteerId = paired.VolunteerId,
            householdId = paired.HouseholdId,
            needId = paired.NeedId,
            checkedInAt = "1600-01-01T09:00:00+08:00",
            checkedOutAt = "1600-01-01T10:00:00+08:00",
            services = new[] { "elderly-visit" },
            notes = "补录",
            reason = "手机丢失",
        };

        using var response = await fixture.Dashboard.Coordinator("shiqi").PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/backfill", body);

        await ExpectField(response, "checkedInAt");
    }

    [Fact]
    public async Task A_time_without_its_offset_is_refused_not_read_as_server_local()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var body = new { householdId = paired.HouseholdId, needId = paired.NeedId, at = "2026-11-30T09:00:00", location = new { lat = 22.522, lng = 113.385 } };
        var visitId = NewId("visit");

        using var response = await fixture.Dashboard.Volunteer(paired.VolunteerId).PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", body);

        var problem = await ExpectField(response, "at");
        Assert.Contains("+08:00", problem["errors"]!["at"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Path_ids_over_a_kilobyte_or_with_odd_characters_are_400s_naming_the_parameter()
    {
        var coordinator = fixture.Dashboard.Coordinator("shiqi");
        var huge = new string('h', 1100);

        using (var response = await coordinator.GetAsync($"/api/v1/households/{huge}"))
        {
            await ExpectField(response, "householdId");
        }

        using (var response = await coordinator.PutAsJsonAsync($"/api/v1/volunteers/{new string('v', 2048)}", VolunteerBody("shiqi")))
        {
            await ExpectField(response, "volunteerId");
        }

        using (var response = await coordinator.GetAsync("/api/v1/visits/a%5Cb%0A"))
        {
            await ExpectField(response, "visitId");
        }
    }

    [Theory]
    [InlineData("/orleans/SiloCounters/fz-1")]
    [InlineData("/orleans/HistoricalStats/a%2Fb")]
    public async Task A_malformed_silo_address_in_the_orleans_view_is_a_400(string path)
    {
        using var response = await fixture.Dashboard.Operator().GetAsync(path);

        await ExpectField(response, "address");
    }

    [Fact]
    public async Task A_state_over_the_storage_limit_is_a_400_not_an_endless_503()
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
        var handler = new ApiExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ApiExceptionHandler>.Instance);
        // What Orleans' Azure Table grain storage throws for a state over one entity, as it reaches the dashboard.
        var tooLarge = new global::Orleans.Runtime.OrleansException("write failed", new ArgumentOutOfRangeException("GrainState.Size", "Data too large to write to Azure table. Size=1048577 MaxSize=1048576"));

        Assert.True(await handler.TryHandleAsync(http, tooLarge, CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        Assert.False(http.Response.Headers.ContainsKey("Retry-After"));
        var body = Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
        Assert.Contains("\"body\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_team_parent_must_exist_in_the_same_district_and_not_be_a_sub_team()
    {
        var coordinator = fixture.Dashboard.Coordinator("shiqi", "dongqu");
        var leader = await fixture.Records.VolunteerAsync("shiqi");
        object Team(string district, string? parent) => new { name = "石岐义工大队", districtId = district, leaderId = leader, kind = "regional", parentTeamId = parent };
        var top = NewId("t");
        var sub = NewId("t");
        var elsewhere = NewId("t");
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/teams/{top}", Team("shiqi", null)), HttpStatusCode.Created);
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/teams/{sub}", Team("shiqi", top)), HttpStatusCode.Created);
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/teams/{elsewhere}", Team("dongqu", null)), HttpStatusCode.Created);

        using (var unknown = await coordinator.PutAsJsonAsync($"/api/v1/teams/{NewId("t")}", Team("shiqi", "t-nobody")))
        {
            await ExpectField(unknown, "parentTeamId");
        }

        using (var otherDistrict = await coordinator.PutAsJsonAsync($"/api/v1/teams/{NewId("t")}", Team("shiqi", elsewhere)))
        {
            await ExpectField(otherDistrict, "parentTeamId");
        }

        using (var cycle = await coordinator.PutAsJsonAsync($"/api/v1/teams/{top}", Team("shiqi", sub)))
        {
            await ExpectField(cycle, "parentTeamId");
        }
    }

    [Fact]
    public async Task Two_districts_creating_one_id_at_once_get_one_201_and_the_other_refused()
    {
        // Sent together, the two requests may or may not overlap inside the service. When both read "no such record",
        // the creation claim lets one through and answers the other 409; when one's read comes after the other's
        // write, it is a request about another district's record: 403, as the contract says. Either way exactly one
        // creates it and the record is the winner's.
        for (var round = 0; round < 5; round++)
        {
            var id = NewId("v");
            var shiqi = fixture.Dashboard.Coordinator("shiqi");
            var dongqu = fixture.Dashboard.Coordinator("dongqu");

            var answers = await Task.WhenAll(
                shiqi.PutAsJsonAsync($"/api/v1/volunteers/{id}", VolunteerBody("shiqi")),
                dongqu.PutAsJsonAsync($"/api/v1/volunteers/{id}", VolunteerBody("dongqu")));

            var codes = answers.Select(a => a.StatusCode).Order().ToList();
            Assert.Equal(HttpStatusCode.Created, codes[0]);
            Assert.Contains(codes[1], new[] { HttpStatusCode.Conflict, HttpStatusCode.Forbidden });
            var winner = answers[0].StatusCode == HttpStatusCode.Created ? "shiqi" : "dongqu";
            var record = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{id}"), HttpStatusCode.OK);
            Assert.Equal(winner, record["districtId"]!.GetValue<string>());
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }

    [Fact]
    public async Task Two_coordinators_of_one_district_creating_one_id_get_201_and_200()
    {
        var id = NewId("h");
        var answers = await Task.WhenAll(
            fixture.Dashboard.ClientFor("coord-a", "coordinator", "shiqi").PutAsJsonAsync($"/api/v1/households/{id}", HouseholdBody("shiqi")),
            fixture.Dashboard.ClientFor("coord-b", "coordinator", "shiqi").PutAsJsonAsync($"/api/v1/households/{id}", HouseholdBody("shiqi")));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], answers.Select(a => a.StatusCode).Order().ToList());
    }

    [Fact]
    public async Task Answers_carry_a_content_security_policy_and_unknown_hosts_are_refused()
    {
        var client = fixture.Dashboard.CreateClient();

        using var page = await client.GetAsync("/");
        var csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "evil.example";
        using var foreign = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
    }

    internal static async Task<System.Text.Json.Nodes.JsonNode> ExpectField(HttpResponseMessage response, string field)
    {
        var problem = await ProblemDetailsTests.Problem(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"No error for {field}: {problem.ToJsonString()}");
        return problem;
    }
}
