using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>The coordinator's workspace in a real browser against a real dashboard and silo.</summary>
[Collection(DashboardCollection.Name)]
public sealed class WorkspacePageTests(DashboardFixture fixture)
{
    // Districts no other test of the collection uses: their cards, queues and lists are this test's alone.
    private const string SurveyDistrict = "tanzhou";
    private const string CertifyDistrict = "shenwan";
    private const string CardDistrict = "dongsheng";

    [Fact]
    public async Task A_coordinator_surveys_a_household_pairs_its_need_certifies_visits_and_sees_cards_follow()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var surveyVolunteer = await fixture.Records.VolunteerAsync(SurveyDistrict);

        var certify = await fixture.Records.PairedAsync(CertifyDistrict);
        var phone = fixture.Dashboard.Volunteer(certify.VolunteerId);
        var now = DateTimeOffset.UtcNow;
        foreach (var (from, to) in new[] { (now.AddMinutes(-150), now.AddMinutes(-90)), (now.AddMinutes(-60), now.AddMinutes(-30)) })
        {
            var visitId = NewId("visit");
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(certify.HouseholdId, certify.NeedId, from)), HttpStatusCode.Created);
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(to)), HttpStatusCode.OK);
        }

        // The "1+N+M" shape: one district team, professional and regional sub-teams sharing volunteers.
        var operatorClient = fixture.Dashboard.Operator();
        var other = await fixture.Records.VolunteerAsync(CertifyDistrict, "王小红");
        await Expect(operatorClient.PutAsJsonAsync("/api/v1/teams/t-shenwan", new { name = "神湾义工大队", districtId = CertifyDistrict, leaderId = "sw-shenwan", kind = "regional" }), HttpStatusCode.Created);
        foreach (var (id, name, kind) in new[] { ("t-shenwan-medical", "医疗分队", "professional"), ("t-shenwan-legal", "法律分队", "professional"), ("t-shenwan-east", "东区分队", "regional"), ("t-shenwan-west", "西区分队", "regional") })
        {
            await Expect(operatorClient.PutAsJsonAsync($"/api/v1/teams/{id}", new { name, districtId = CertifyDistrict, leaderId = "sw-shenwan", kind, parentTeamId = "t-shenwan" }), HttpStatusCode.Created);
        }

        foreach (var (team, member) in new[] { ("t-shenwan-medical", certify.VolunteerId), ("t-shenwan-east", certify.VolunteerId), ("t-shenwan-legal", other) })
        {
            await Expect(operatorClient.PostAsync($"/api/v1/teams/{team}/members/{member}", null), HttpStatusCode.OK);
        }

        var cardVolunteer = await fixture.Records.VolunteerAsync(CardDistrict);
        var cardHousehold = await fixture.Records.HouseholdAsync(CardDistrict);
        var cardNeed = await fixture.Records.NeedAsync(cardHousehold);

        var shots = Path.Combine(AppContext.BaseDirectory, "workspace-shots");
        Directory.CreateDirectory(shots);
        var seen = await BrowserScript.RunAsync("workspace-page.mjs", dashboard, new Dictionary<string, string>
        {
            ["TOKEN"] = dashboard.Token("coord-workspace", "coordinator", SurveyDistrict, CertifyDistrict, CardDistrict),
            ["SURVEY_DISTRICT"] = SurveyDistrict,
            ["SURVEY_VOLUNTEER"] = surveyVolunteer,
            ["CERTIFY_DISTRICT"] = CertifyDistrict,
            ["CERTIFY_VOLUNTEER"] = certify.VolunteerId,
            ["CARD_DISTRICT"] = CardDistrict,
            ["CARD_VOLUNTEER"] = cardVolunteer,
            ["CARD_HOUSEHOLD"] = cardHousehold,
            ["CARD_NEED"] = cardNeed,
            ["SHOTS"] = shots,
        });

        Assert.True(seen.GetProperty("cardCoverageFollowed").GetBoolean());
        var clientErrors = seen.GetProperty("clientErrors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("members[0].name", clientErrors);
        Assert.Contains("category", clientErrors);
        Assert.Contains("可选值", seen.GetProperty("serverError").GetString());
        Assert.Contains("7", seen.GetProperty("cadenceHint").GetString());
        Assert.True(seen.GetProperty("needCovered").GetBoolean());
        Assert.Equal("2", seen.GetProperty("pendingCount").GetString());
        Assert.True(seen.GetProperty("drillRowKept").GetBoolean(), "the drill-down built its volunteers' table again when the pairings arrived");
        Assert.Contains("已认证 0 小时", seen.GetProperty("hoursBefore").GetString());
        Assert.Contains("已认证 1.5 小时", seen.GetProperty("hoursAfter").GetString());
        Assert.Contains("statusReason", seen.GetProperty("volunteerErrors").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("1 个总队 + 2 个专业分队 + 2 个区域分队", seen.GetProperty("teamShape").GetString());
        Assert.Equal("1", seen.GetProperty("matrixBoth").GetString());
        var west = await Expect(operatorClient.GetAsync("/api/v1/teams/t-shenwan-west"), HttpStatusCode.OK);
        Assert.Single(west["members"]!.AsArray());

        // What the page did is what the service holds.
        var householdId = seen.GetProperty("householdId").GetString()!;
        var file = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/households/{householdId}"), HttpStatusCode.OK);
        Assert.Equal("high", file["riskLevel"]!.GetValue<string>());
        Assert.Equal(["livesAlone", "noFamily"], file["members"]![0]!["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("女儿", file["contacts"]![0]!["relation"]!.GetValue<string>());
        Assert.Equal(surveyVolunteer, file["pairings"]![0]!["volunteerId"]!.GetValue<string>());
        Assert.Contains("时间晚于服务器时间", seen.GetProperty("backfillServerError").GetString());
        Assert.True(seen.GetProperty("backfilled").GetBoolean());
        Assert.True(seen.GetProperty("backfillKept").GetBoolean(), "the certification list, drawn again, took the back-fill form out of the page");
        Assert.Contains("coord-workspace", seen.GetProperty("backfillHeld").GetString());

        // Two certified from the queue (1 h and 0.5 h), then a 2 h back-fill, certified as it is recorded; the 10 h one waits.
        var hours = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{certify.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(3.5, hours["certifiedHours"]!.GetValue<double>());
        Assert.All(seen.GetProperty("shots").EnumerateArray(), s => Assert.True(File.Exists(s.GetString())));
    }
}
