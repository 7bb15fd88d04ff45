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
}
