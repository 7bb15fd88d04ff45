using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class UnavailableTests(DashboardFixture fixture)
{
    [Fact]
    public async Task With_storage_down_changes_answer_503_with_retry_after_and_ready_fails()
    {
        var coordinator = fixture.Dashboard.Coordinator("sanjiao");
        var client = fixture.Dashboard.CreateClient();
        await fixture.Azurite.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            using var change = await coordinator.PutAsJsonAsync($"/api/v1/households/{NewId("h")}", HouseholdBody("sanjiao"));
            clock.Stop();

            await ProblemDetailsTests.Problem(change, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(change.Headers.RetryAfter);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Took {clock.Elapsed}.");
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        await RecordsApiTests.Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/households/{NewId("h")}", HouseholdBody("sanjiao")), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Visits_while_storage_is_down_answer_503_never_a_false_2xx_and_nothing_acknowledged_is_lost()
    {
        const string district = "nanlang";
        var first = await fixture.Records.PairedAsync(district);
        var second = await fixture.Records.PairedAsync(district);
        var firstPhone = fixture.Dashboard.Volunteer(first.VolunteerId);
        var secondPhone = fixture.Dashboard.Volunteer(second.VolunteerId);
        var client = fixture.Dashboard.CreateClient();
        var started = DateTimeOffset.UtcNow.AddMinutes(-50);

        // Before the outage: one finished visit, and one still in progress when storage goes away.
        var done = NewId("visit");
        await Expect(firstPhone.PostAsJsonAsync($"/api/v1/visits/{done}/check-in", CheckIn(first.HouseholdId, first.NeedId, started.AddMinutes(-60))), HttpStatusCode.Created);
        var doneHours = (await Expect(firstPhone.PostAsJsonAsync($"/api/v1/visits/{done}/check-out", CheckOut(started.AddMinutes(-30))), HttpStatusCode.OK))["hours"]!.GetValue<double>();
        var inProgress = NewId("visit");
        await Expect(firstPhone.PostAsJsonAsync($"/api/v1/visits/{inProgress}/check-in", CheckIn(first.HouseholdId, first.NeedId, started)), HttpStatusCode.Created);
        var fresh = NewId("visit");
        var freshCheckIn = CheckIn(second.HouseholdId, second.NeedId, started);
        var checkOut = CheckOut(started.AddMinutes(45));

        await fixture.Azurite.StopAsync();
        try
        {
            // Each attempt of a phone that retries during the outage: refused quickly and visibly, never a 2xx.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                await Unavailable(secondPhone.PostAsJsonAsync($"/api/v1/visits/{fresh}/check-in", freshCheckIn));
                await Unavailable(firstPhone.PostAsJsonAsync($"/api/v1/visits/{inProgress}/check-out", checkOut));
            }

            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        await RecordsApiTests.Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);

        // The same requests again, as the phones retry them: they finish, and what was acknowledged is all there.
        var inProgressHours = (await Expect(firstPhone.PostAsJsonAsync($"/api/v1/visits/{inProgress}/check-out", checkOut), HttpStatusCode.OK))["hours"]!.GetValue<double>();
        using (var checkedIn = await secondPhone.PostAsJsonAsync($"/api/v1/visits/{fresh}/check-in", freshCheckIn))
        {
            Assert.True(checkedIn.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"Check-in after the outage answered {checkedIn.StatusCode}.");
        }

        var freshHours = (await Expect(secondPhone.PostAsJsonAsync($"/api/v1/visits/{fresh}/check-out", checkOut), HttpStatusCode.OK))["hours"]!.GetValue<double>();

        var firstHours = await Expect(firstPhone.GetAsync($"/api/v1/volunteers/{first.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(2, firstHours["visits"]!.GetValue<int>());
        Assert.Equal(doneHours + inProgressHours, firstHours["pendingHours"]!.GetValue<double>(), 2);
        var secondHours = await Expect(secondPhone.GetAsync($"/api/v1/volunteers/{second.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(1, secondHours["visits"]!.GetValue<int>());
        Assert.Equal(freshHours, secondHours["pendingHours"]!.GetValue<double>(), 2);
        var coordinator = fixture.Dashboard.Coordinator(district);
        foreach (var visitId in new[] { done, inProgress, fresh })
        {
            var visit = await Expect(coordinator.GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
            Assert.Equal("checkedOut", visit["status"]!.GetValue<string>());
        }
    }

    /// <summary>A 503 problem with Retry-After, within seconds: the phone knows to try again later.</summary>
    private static async Task Unavailable(Task<HttpResponseMessage> request)
    {
        var clock = Stopwatch.StartNew();
        using var response = await request;
        clock.Stop();
        await ProblemDetailsTests.Problem(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Took {clock.Elapsed}.");
    }
}
