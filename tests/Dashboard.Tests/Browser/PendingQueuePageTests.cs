using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>Two coordinators on one district's 待认证 queue in real browsers: photos, a live count, the training gate's why.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PendingQueuePageTests(DashboardFixture fixture)
{
    private const string District = "sanjiao"; // only UnavailableTests writes here, and no visits; its excluded count is this test's own

    [Fact]
    public async Task One_coordinator_certifies_and_the_others_count_drops_live_photos_open_from_the_queue_and_suggestions_say_who_was_left_out()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var paired = await fixture.Records.PairedAsync(District);
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var now = DateTimeOffset.UtcNow;
        var visits = new List<string>();
        foreach (var (from, to) in new[] { (now.AddMinutes(-200), now.AddMinutes(-150)), (now.AddMinutes(-120), now.AddMinutes(-90)) })
        {
            var visitId = NewId("visit");
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, from)), HttpStatusCode.Created);
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(to)), HttpStatusCode.OK);
            visits.Add(visitId);
        }

        // 陪同就医 requires first aid: one volunteer holds it, one let it lapse, the paired one never took it.
        var operatorClient = fixture.Dashboard.Operator();
        var trained = await fixture.Records.VolunteerAsync(District, "林急救");
        var lapsed = await fixture.Records.VolunteerAsync(District, "郑过期");
        await Expect(operatorClient.PostAsJsonAsync($"/api/v1/volunteers/{trained}/trainings", new { name = "急救培训", completedOn = DateTime.UtcNow.AddMonths(-3).ToString("yyyy-MM-dd") }), HttpStatusCode.OK);
        await Expect(operatorClient.PostAsJsonAsync($"/api/v1/volunteers/{lapsed}/trainings", new { name = "急救培训", completedOn = DateTime.UtcNow.AddYears(-4).ToString("yyyy-MM-dd") }), HttpStatusCode.OK);
        var escortNeed = await fixture.Records.NeedAsync(paired.HouseholdId, "health-escort");

        var shots = Path.Combine(AppContext.BaseDirectory, "pending-shots");
        Directory.CreateDirectory(shots);
        var seen = await BrowserScript.RunAsync("pending-live.mjs", dashboard, new Dictionary<string, string>
        {
            ["TOKEN_A"] = dashboard.Token("coord-sanjiao-a", "coordinator", District),
            ["TOKEN_B"] = dashboard.Token("coord-sanjiao-b", "coordinator", District),
            ["PHONE_TOKEN"] = dashboard.Token(paired.VolunteerId, "volunteer"),
            ["DISTRICT"] = District,
            ["VISITS"] = string.Join(',', visits),
            ["HOUSEHOLD"] = paired.HouseholdId,
            ["NEED"] = paired.NeedId,
            ["ESCORT_NEED"] = escortNeed,
            ["SHOTS"] = shots,
        });

        Assert.Equal("1", seen.GetProperty("photoCount").GetString());
        Assert.Equal(320, seen.GetProperty("photoWidth").GetInt32());
        var before = seen.GetProperty("countBefore").GetInt32();
        Assert.True(before >= 2);
        Assert.Equal(before - 1, seen.GetProperty("countAfterCertify").GetInt32());
        Assert.Equal(before, seen.GetProperty("countAfterCheckOut").GetInt32());
        Assert.True(seen.GetProperty("notReloaded").GetBoolean());
        Assert.Equal("未列出：2 名志愿者缺少有效的急救培训", seen.GetProperty("excludedSummary").GetString());
        Assert.Equal("Not listed: 2 volunteers lack a valid First aid training", seen.GetProperty("excludedSummaryEn").GetString());
        var rows = seen.GetProperty("excludedRows").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(rows, r => r.Contains(lapsed, StringComparison.Ordinal) && r.Contains("过期", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(paired.VolunteerId, StringComparison.Ordinal) && r.Contains("未参加急救培训", StringComparison.Ordinal));
        Assert.All(seen.GetProperty("shots").EnumerateArray(), s => Assert.True(File.Exists(s.GetString())));

        // What the page did is what the service holds: the certified visit left the queue.
        var queue = await Expect(fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK);
        Assert.DoesNotContain(queue["items"]!.AsArray(), v => v!["visitId"]!.GetValue<string>() == visits[1]);
        Assert.Equal(before, queue["total"]!.GetValue<int>());
    }
}
