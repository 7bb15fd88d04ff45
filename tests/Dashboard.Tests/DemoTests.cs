using System.Net;
using System.Net.Http.Json;
using Boai.Orleans.Dashboard.Demo;
using Boai.Orleans.Testing;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>On a cluster of its own, so the demo's 24 districts do not mix with other tests' records.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DemoTests(DashboardFixture fixture)
{
    // 24 districts with 60 days of visit history through the visit path: about a minute on an idle 2-core machine.
    private static readonly TimeSpan SeedTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Seeding_twice_changes_nothing_and_the_simulator_makes_visits()
    {
        var settings = TestClusterSettings.Create(fixture.Azurite.ConnectionString);
        await using var silo = await TestSilo.StartAsync(settings);
        var seed = new Dictionary<string, string?> { ["Demo:Seed"] = "true" };

        string before;
        await using (var first = new DashboardFactory(settings, silo.GatewayPort, seed))
        {
            _ = first.Server;
            await first.Get<DemoSeeder>().Seeded.WaitAsync(SeedTimeout);
            before = (await Expect(first.Operator().GetAsync("/api/v1/households/h-shiqi-001"), HttpStatusCode.OK)).ToJsonString();

            // 60 days of history through the visit path: districts look worked, and some visits wait for certification.
            var shiqi = await Expect(first.Coordinator("shiqi").GetAsync("/api/v1/districts/shiqi"), HttpStatusCode.OK);
            Assert.True(shiqi["activeVolunteerRate"]!.GetValue<double>() > 0.5, shiqi.ToJsonString());
            Assert.True(shiqi["hoursThisMonth"]!.GetValue<double>() > 0 || ServiceMonth.IsFirstDay, shiqi.ToJsonString());
            var pending = await Expect(first.Coordinator("shiqi").GetAsync("/api/v1/districts/shiqi/visits?status=pending"), HttpStatusCode.OK);
            Assert.True(pending["total"]!.GetValue<int>() > 0, pending.ToJsonString());
            Assert.Contains(pending["items"]!.AsArray(), v => v!["flags"]!.AsArray().Any(f => f!.GetValue<string>() == "late"));
            var volunteer = await Expect(first.Operator().GetAsync("/api/v1/volunteers/" + pending["items"]![0]!["volunteerId"]!.GetValue<string>() + "/hours"), HttpStatusCode.OK);
            Assert.True(volunteer["certifiedHours"]!.GetValue<double>() > 0, volunteer.ToJsonString());

            // Trainings: a need of a training-gated item (陪同就医) has volunteers who may take it and volunteers left out, some lapsed.
            var shiqiCoordinator = first.Coordinator("shiqi");
            var escort = await Expect(shiqiCoordinator.PostAsJsonAsync("/api/v1/households/h-shiqi-002/needs", new { itemId = "health-escort" }), HttpStatusCode.Created);
            var escortNeed = escort["needId"]!.GetValue<string>();
            var eligible = await Expect(shiqiCoordinator.GetAsync($"/api/v1/needs/{escortNeed}/suggestions"), HttpStatusCode.OK);
            Assert.NotEmpty(eligible.AsArray());
            var excluded = await Expect(shiqiCoordinator.GetAsync($"/api/v1/needs/{escortNeed}/suggestions/excluded"), HttpStatusCode.OK);
            Assert.True(excluded["count"]!.GetValue<int>() > 0, excluded.ToJsonString());
            var missing = excluded["excluded"]!.AsArray().Select(v => v!["missing"]![0]!).ToList();
            Assert.Contains(missing, m => m!["expiredOn"] is not null);
            Assert.Contains(missing, m => m!["expiredOn"] is null);
            var trained = await Expect(shiqiCoordinator.GetAsync("/api/v1/volunteers/" + eligible[0]!["volunteerId"]!.GetValue<string>()), HttpStatusCode.OK);
            Assert.Contains(trained["trainings"]!.AsArray(), t => t!["name"]!.GetValue<string>() == DemoTrainings.FirstAid);

            // The phone app's one-click demo accounts: volunteers who have pairings, and a resident of a demo household.
            var accounts = await Expect(first.CreateClient().GetAsync("/api/v1/dev/demo-accounts"), HttpStatusCode.OK);
            Assert.Equal(3, accounts["volunteers"]!.AsArray().Count);
            foreach (var account in accounts["volunteers"]!.AsArray())
            {
                var sub = account!["sub"]!.GetValue<string>();
                var today = await Expect(first.Volunteer(sub).GetAsync($"/api/v1/volunteers/{sub}/today"), HttpStatusCode.OK);
                Assert.NotEmpty(today["pairings"]!.AsArray());
            }

            Assert.Equal("h-shiqi-001", accounts["residents"]![0]!["household"]!.GetValue<string>());
        }

        await using var second = new DashboardFactory(settings, silo.GatewayPort, new Dictionary<string, string?>
        {
            ["Demo:Simulate"] = "true",
            ["Demo:SimulateEvery"] = "00:00:00.100",
        });
        _ = second.Server;
        await second.Get<DemoSeeder>().Seeded.WaitAsync(SeedTimeout);
        var coordinator = second.Coordinator("shiqi");

        Assert.Equal(before, (await Expect(second.Operator().GetAsync("/api/v1/households/h-shiqi-001"), HttpStatusCode.OK)).ToJsonString());
        var volunteers = await Expect(coordinator.GetAsync("/api/v1/districts/shiqi/volunteers"), HttpStatusCode.OK);
        Assert.Equal(12, volunteers.AsArray().Count);
        Assert.All(volunteers.AsArray(), v => Assert.EndsWith("*", v!["name"]!.GetValue<string>()));
        var operatorClient = second.Operator();
        await RecordsApiTests.Eventually(async () =>
        {
            var districts = await Expect(operatorClient.GetAsync("/api/v1/districts"), HttpStatusCode.OK);
            return districts.AsArray().Sum(d => d!["checkInsToday"]!.GetValue<int>()) > 0
                && districts.AsArray().Sum(d => d!["uncoveredNeeds"]!.GetValue<int>()) > 0;
        });
    }
}
