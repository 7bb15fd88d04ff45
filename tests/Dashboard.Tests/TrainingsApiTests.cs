using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class TrainingsApiTests(DashboardFixture fixture)
{
    private const string District = "sanxiang";

    [Fact]
    public async Task Escorting_to_hospital_needs_valid_first_aid_training_in_suggestions_the_plan_and_order_offers()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var untrained = await EscortAsync(coordinator);
        var expired = await EscortAsync(coordinator);
        var trained = await EscortAsync(coordinator);
        var lapsedCompletion = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(-4));
        await Expect(coordinator.PostAsJsonAsync($"/api/v1/volunteers/{expired}/trainings", new { name = "急救培训", completedOn = lapsedCompletion.ToString("yyyy-MM-dd") }), HttpStatusCode.OK);
        var household = await fixture.Records.HouseholdAsync(District);
        var need = await Expect(coordinator.PostAsJsonAsync($"/api/v1/households/{household}/needs", new { itemId = "health-escort", frequency = "monthly", priority = 4 }), HttpStatusCode.Created);
        var needId = need["needId"]!.GetValue<string>();

        // Nobody holds a valid first-aid training yet: the plan says so.
        var plan = await Eventually(coordinator, $"/api/v1/districts/{District}/plan", p => p["unassigned"]!.AsArray().Any(u => u!["needId"]!.GetValue<string>() == needId));
        Assert.Equal("noTrainedVolunteer", plan["unassigned"]!.AsArray().First(u => u!["needId"]!.GetValue<string>() == needId)!["why"]!.GetValue<string>());
        Assert.Empty((await Expect(coordinator.GetAsync($"/api/v1/needs/{needId}/suggestions"), HttpStatusCode.OK)).AsArray());

        await Expect(coordinator.PostAsJsonAsync($"/api/v1/volunteers/{trained}/trainings", new { name = "firstAid", completedOn = DateTime.UtcNow.AddMonths(-6).ToString("yyyy-MM-dd"), certificate = "HC-2026-001" }), HttpStatusCode.OK);

        var suggestions = await Eventually(coordinator, $"/api/v1/needs/{needId}/suggestions", s => s.AsArray().Count > 0);
        Assert.Equal([trained], suggestions.AsArray().Select(s => s!["volunteerId"]!.GetValue<string>()));

        // Beside the pinned array, the excluded view says who was left out and why: never trained, or lapsed.
        var excluded = await Expect(coordinator.GetAsync($"/api/v1/needs/{needId}/suggestions/excluded"), HttpStatusCode.OK);
        Assert.Equal("firstAid", excluded["requiredTrainings"]![0]!["trainingId"]!.GetValue<string>());
        Assert.Equal("急救培训", excluded["requiredTrainings"]![0]!["name"]!.GetValue<string>());
        var left = excluded["excluded"]!.AsArray().ToDictionary(v => v!["volunteerId"]!.GetValue<string>(), v => v!["missing"]![0]!);
        Assert.DoesNotContain(trained, left.Keys);
        Assert.Null(left[untrained]["expiredOn"]);
        Assert.Equal(lapsedCompletion.AddMonths(36).ToString("yyyy-MM-dd"), left[expired]["expiredOn"]!.GetValue<string>());
        Assert.Equal(left.Count, excluded["count"]!.GetValue<int>());
        Assert.EndsWith("*", excluded["excluded"]![0]!["maskedName"]!.GetValue<string>());
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/needs/{needId}/suggestions/excluded"), HttpStatusCode.Forbidden);
        var noGate = await Expect(coordinator.PostAsJsonAsync($"/api/v1/households/{household}/needs", new { itemId = "elderly-visit", frequency = "weekly" }), HttpStatusCode.Created);
        Assert.Equal(0, (await Expect(coordinator.GetAsync($"/api/v1/needs/{noGate["needId"]!.GetValue<string>()}/suggestions/excluded"), HttpStatusCode.OK))["count"]!.GetValue<int>());

        var proposals = (await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/plan"), HttpStatusCode.OK))["proposals"]!.AsArray();
        Assert.Equal(trained, proposals.Single(p => p!["needId"]!.GetValue<string>() == needId)!["volunteerId"]!.GetValue<string>());

        // A one-off order of the same item is offered to the trained volunteer only.
        var monday = NextMonday();
        var order = await Expect(coordinator.PostAsJsonAsync("/api/v1/orders", new { householdId = household, itemId = "health-escort", windowStart = monday.AddHours(10), windowEnd = monday.AddHours(11), notes = "复诊" }), HttpStatusCode.Created);
        var orderId = order["orderId"]!.GetValue<string>();
        var offers = await Eventually(coordinator, $"/api/v1/volunteers/{trained}/offers", o => o.AsArray().Any(x => x!["orderId"]!.GetValue<string>() == orderId));
        Assert.Contains(offers.AsArray(), x => x!["orderId"]!.GetValue<string>() == orderId);
        foreach (var other in new[] { untrained, expired })
        {
            var theirs = await Expect(coordinator.GetAsync($"/api/v1/volunteers/{other}/offers"), HttpStatusCode.OK);
            Assert.DoesNotContain(theirs.AsArray(), x => x!["orderId"]!.GetValue<string>() == orderId);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Dashboard.Volunteer(untrained).PostAsJsonAsync($"/api/v1/orders/{orderId}/claim", new { })).StatusCode);
        var bad = await coordinator.PostAsJsonAsync($"/api/v1/volunteers/{untrained}/trainings", new { name = "juggling", completedOn = "yesterday" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    /// <summary>A volunteer with the escort skill 陪同就医 asks for, free on Monday mornings.</summary>
    private static async Task<string> EscortAsync(HttpClient coordinator)
    {
        var id = NewId("v");
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{id}", new
        {
            name = "陈小明",
            phone = "13800001234",
            districtId = District,
            skills = new[] { "visiting", "escort" },
            availability = new[] { new { day = "monday", start = "09:00", end = "12:00" } },
            home = new { lat = 22.52, lng = 113.39 },
        }), HttpStatusCode.Created);
        return id;
    }

    private static DateTimeOffset NextMonday()
    {
        var local = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(1);
        while (local.DayOfWeek != DayOfWeek.Monday)
        {
            local = local.AddDays(1);
        }

        return new DateTimeOffset(local, TimeSpan.FromHours(8));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> Eventually(HttpClient client, string path, Func<System.Text.Json.Nodes.JsonNode, bool> holds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var answer = await Expect(client.GetAsync(path), HttpStatusCode.OK);
            if (holds(answer) || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(100);
        }
    }
}
