using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Boai.Orleans.Dashboard.Security;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Issue #12's leftover: phones keep a refreshable session across 15-minute access tokens.</summary>
[Collection(DashboardCollection.Name)]
public sealed class RefreshSessionTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_refresh_rotates_the_token_and_an_old_one_presented_again_revokes_the_session()
    {
        var volunteerId = await fixture.Records.VolunteerAsync("shiqi");
        var first = await SignIn(volunteerId);
        var firstRefresh = first["refreshToken"]!.GetValue<string>();

        var second = await Expect(Refresh(firstRefresh), HttpStatusCode.OK);
        var third = await Expect(Refresh(second["refreshToken"]!.GetValue<string>()), HttpStatusCode.OK);

        Assert.NotEqual(firstRefresh, second["refreshToken"]!.GetValue<string>());
        Assert.True(third["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(14));
        Assert.True(third["refreshExpiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddDays(13));
        await Expect(Bearer(third["token"]!.GetValue<string>()).GetAsync($"/api/v1/volunteers/{volunteerId}/hours"), HttpStatusCode.OK);

        // The first token is two rotations old: a stolen copy. The whole session ends, the newest token with it.
        var reused = await Expect(Refresh(firstRefresh), HttpStatusCode.Unauthorized);
        Assert.Equal("reused", reused["reason"]!.GetValue<string>());
        var revoked = await Expect(Refresh(third["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized);
        Assert.Equal("unknown", revoked["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_phone_that_lost_the_answer_may_ask_again_once_and_the_lost_token_is_dead()
    {
        var volunteerId = await fixture.Records.VolunteerAsync("shiqi");
        var refresh = (await SignIn(volunteerId))["refreshToken"]!.GetValue<string>();

        var lost = await Expect(Refresh(refresh), HttpStatusCode.OK);
        var retried = await Expect(Refresh(refresh), HttpStatusCode.OK);

        await Expect(Refresh(retried["refreshToken"]!.GetValue<string>()), HttpStatusCode.OK);
        // The answer the phone never received was replaced; if it shows up later, someone else has it.
        await Expect(Refresh(lost["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoked_users_and_volunteers_who_left_are_refused()
    {
        var revokedId = await fixture.Records.VolunteerAsync("shiqi");
        var revoked = await SignIn(revokedId);
        await SignIn(revokedId);
        var count = await Expect(fixture.Dashboard.Operator().PostAsync($"/api/v1/operator/sessions/{revokedId}/revoke", null), HttpStatusCode.OK);
        Assert.Equal(2, count["revoked"]!.GetValue<int>());
        await Expect(Refresh(revoked["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized);
        await Expect(fixture.Dashboard.Volunteer(revokedId).PostAsync($"/api/v1/operator/sessions/{revokedId}/revoke", null), HttpStatusCode.Forbidden);

        var leaverId = await fixture.Records.VolunteerAsync("shiqi");
        var leaver = await SignIn(leaverId);
        var body = JsonSerializer.SerializeToNode(VolunteerBody("shiqi"))!.AsObject();
        body["status"] = "left";
        await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/volunteers/{leaverId}", body), HttpStatusCode.OK);
        var gone = await Expect(Refresh(leaver["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized);
        Assert.Equal("userGone", gone["reason"]!.GetValue<string>());

        var signedOut = await SignIn(await fixture.Records.VolunteerAsync("shiqi"));
        await Expect(fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-out", new { refreshToken = signedOut["refreshToken"]!.GetValue<string>() }), HttpStatusCode.NoContent);
        await Expect(Refresh(signedOut["refreshToken"]!.GetValue<string>()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_refreshed_coordinator_token_carries_only_districts_still_granted()
    {
        var sub = NewId("coord-session");
        var session = await Expect(fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub, role = Roles.Coordinator, districts = new[] { "shiqi", "dongqu" }, refreshable = true }), HttpStatusCode.OK);
        await Expect(fixture.Dashboard.Operator().DeleteAsync($"/api/v1/operator/grants/{sub}/districts/shiqi"), HttpStatusCode.OK);

        var refreshed = await Expect(Refresh(session["refreshToken"]!.GetValue<string>()), HttpStatusCode.OK);

        var claims = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ReadJsonWebToken(refreshed["token"]!.GetValue<string>()).Claims;
        Assert.Equal(["dongqu"], claims.Where(c => c.Type == BoaiClaims.District).Select(c => c.Value));
    }

    [Fact]
    public async Task A_session_opens_from_an_access_token_and_only_hashes_are_stored()
    {
        var volunteerId = await fixture.Records.VolunteerAsync("shiqi");
        var opened = await Expect(fixture.Dashboard.Volunteer(volunteerId).PostAsync("/api/v1/auth/sessions", null), HttpStatusCode.Created);
        var refreshToken = opened["refreshToken"]!.GetValue<string>();
        var secret = refreshToken.Split('.')[2];

        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Settings["Storage:GrainStateTable"]);
        var stored = new StringBuilder();
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            foreach (var value in entity.Select(p => p.Value))
            {
                stored.Append(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString()).Append('\n');
            }
        }

        var text = stored.ToString();
        Assert.Contains(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        await Expect(Refresh(refreshToken), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b")]
    [InlineData("!!!.family.secret")]
    public async Task A_malformed_refresh_token_is_a_400_naming_the_field(string refreshToken)
    {
        var problem = await Expect(Refresh(refreshToken), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["refreshToken"]);
    }

    [Fact]
    public async Task An_unknown_session_is_a_401_problem()
    {
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("someone")).TrimEnd('=') + ".fam.secret";
        var problem = await Expect(Refresh(forged), HttpStatusCode.Unauthorized);
        Assert.Equal("unknown", problem["reason"]!.GetValue<string>());
    }

    private Task<JsonNode> SignIn(string volunteerId) =>
        Expect(fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = volunteerId, role = Roles.Volunteer, refreshable = true }), HttpStatusCode.OK);

    private Task<HttpResponseMessage> Refresh(string refreshToken) =>
        fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    private HttpClient Bearer(string token)
    {
        var client = fixture.Dashboard.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
