using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Boai.Orleans.Dashboard.Security;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>
/// The volunteer phone app (/volunteer/) in Debian's chromium on a 360×740 phone, against a real dashboard and silo:
/// the visit, the offline outbox and the resident's order. Screens are saved in zh-CN and English.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PhoneAppTests(DashboardFixture fixture)
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private static string Shots
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "phone-screens");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    [Fact]
    public async Task A_volunteer_checks_in_and_out_with_a_service_record_on_the_phone_and_the_coordinators_page_shows_it_live()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var due = await DueTodayAsync("shiqi");

        var seen = await BrowserScript.RunAsync("phone-visit.mjs", dashboard, new Dictionary<string, string>
        {
            ["VOLUNTEER_TOKEN"] = dashboard.Token(due.VolunteerId, Roles.Volunteer),
            ["PAIRING"] = due.PairingId,
            ["HOUSEHOLD"] = due.HouseholdId,
            ["NEED"] = due.NeedId,
            ["SHOT_DIR"] = Shots,
        });

        Assert.Equal("悦来南路 12 号", seen.GetProperty("address").GetString());
        Assert.Equal("签到", seen.GetProperty("checkInLabel").GetString());
        Assert.StartsWith("今天要探访：悦来社区", seen.GetProperty("dueReminder").GetString(), StringComparison.Ordinal);
        Assert.Equal("签退", seen.GetProperty("checkOutLabel").GetString());
        Assert.True(seen.GetProperty("boardSawCheckIn").GetBoolean());
        Assert.True(seen.GetProperty("timerRuns").GetBoolean());
        Assert.True(seen.GetProperty("boardSawCheckOut").GetBoolean());
        Assert.True(seen.GetProperty("boardSawAttention").GetBoolean());
        Assert.Equal("checkedOut", seen.GetProperty("status").GetString());
        Assert.Equal("elderly-visit", seen.GetProperty("services")[0].GetString());
        Assert.Equal("mood", seen.GetProperty("observations")[0].GetString());
        Assert.Equal("To upload 0", seen.GetProperty("englishCount").GetString());
        Assert.Contains("补录", seen.GetProperty("tooOld").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Shots, "phone-visit-zh-CN.png")));
    }

    [Fact]
    public async Task Offline_the_visit_and_its_photo_wait_in_the_outbox_across_a_reload_and_upload_exactly_once_when_back_online()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var due = await DueTodayAsync("dachong");
        var token = dashboard.Token(due.VolunteerId, Roles.Volunteer);

        var seen = await BrowserScript.RunAsync("phone-offline.mjs", dashboard, new Dictionary<string, string>
        {
            ["VOLUNTEER_TOKEN"] = token,
            // Its signature no longer checks out, as an expired token's would not: the service answers 401.
            ["REFUSED_TOKEN"] = token[..(token.LastIndexOf('.') + 1)] + "c2lnbmF0dXJlLWdvbmU",
            ["VOLUNTEER"] = due.VolunteerId,
            ["PAIRING"] = due.PairingId,
            ["SHOT_DIR"] = Shots,
        });

        Assert.Equal("待上传 1", seen.GetProperty("waitingOffline").GetString());
        Assert.True(seen.GetProperty("reloadFromServiceWorker").GetBoolean());
        Assert.Equal(
            ["record:pending", "checkOut:pending", "photo:pending", "checkIn:pending"],
            seen.GetProperty("kindsAfterReload").EnumerateArray().Select(k => k.GetString()!).ToArray());
        Assert.Equal("1", seen.GetProperty("waitingWhileSignedOut").GetString());
        Assert.Equal("checkedOut", seen.GetProperty("status").GetString());
        Assert.Equal(1, seen.GetProperty("photos").GetInt32());
        Assert.Equal("image/jpeg", seen.GetProperty("photoType").GetString());
        Assert.Equal(1, seen.GetProperty("visitsOnServer").GetInt32());
    }

    [Fact]
    public async Task A_resident_orders_a_volunteer_claims_it_live_on_the_phone_and_the_resident_rates_the_visit()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var household = await fixture.Records.HouseholdAsync("sanxiang");
        var volunteer = await fixture.Records.VolunteerAsync("sanxiang", "李志强");
        var (start, end) = MondayMorning();

        var seen = await BrowserScript.RunAsync("phone-resident.mjs", dashboard, new Dictionary<string, string>
        {
            ["VOLUNTEER_TOKEN"] = dashboard.Token(volunteer, Roles.Volunteer),
            ["VOLUNTEER"] = volunteer,
            ["RESIDENT_TOKEN"] = dashboard.Get<TokenSigning>().Issue("r-" + household, Roles.Resident, [], household: household).Token,
            ["WINDOW_START"] = start.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
            ["WINDOW_END"] = end.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
            ["SHOT_DIR"] = Shots,
        });

        Assert.True(seen.GetProperty("offeredLive").GetBoolean());
        Assert.Contains("探访陪伴", seen.GetProperty("banner").GetString(), StringComparison.Ordinal);
        Assert.Equal("上门义工：李**", seen.GetProperty("coming").GetString());
        Assert.Equal("checkedOut", seen.GetProperty("visitStatus").GetString());
        Assert.Equal("已评价：5 星", seen.GetProperty("rated").GetString());
        Assert.Equal(5, seen.GetProperty("averageRating").GetDouble());
    }

    /// <summary>A volunteer paired with a household, the pairing's weekly slot on today's weekday: due today.</summary>
    private async Task<Paired> DueTodayAsync(string districtId)
    {
        var volunteer = await fixture.Records.VolunteerAsync(districtId);
        var household = await fixture.Records.HouseholdAsync(districtId);
        var need = await fixture.Records.NeedAsync(household);
        var today = DateTimeOffset.UtcNow.ToOffset(ChinaOffset).DayOfWeek.ToString().ToLowerInvariant();
        var pairing = await Expect(
            fixture.Dashboard.Operator().PostAsJsonAsync("/api/v1/pairings", new { volunteerId = volunteer, householdId = household, needId = need, slot = new { day = today, start = "23:00", end = "23:59" } }),
            HttpStatusCode.Created);
        return new Paired(districtId, volunteer, household, need, pairing["pairingId"]!.GetValue<string>());
    }

    /// <summary>10:00–11:00 next Monday in Zhongshan: inside the test volunteers' free slot (Monday 9–12).</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) MondayMorning()
    {
        var local = DateTimeOffset.UtcNow.ToOffset(ChinaOffset);
        var days = ((int)DayOfWeek.Monday - (int)local.DayOfWeek + 7) % 7;
        var start = new DateTimeOffset(local.Date.AddDays(days == 0 ? 7 : days).AddHours(10), ChinaOffset);
        return (start, start.AddHours(1));
    }
}
