using Boai.Orleans.Districts;
using Boai.Orleans.MonthEnd;
using Boai.Orleans.Rules;
using Boai.Orleans.Supervision;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Grains.Tests.Domain;

[CollectionDefinition(Name)]
public sealed class SupervisionClusterCollection : ICollectionFixture<DomainCluster>
{
    public const string Name = "supervision cluster";
}

/// <summary>Its own cluster: these tests move the clock by weeks and watch the month turn.</summary>
[Collection(SupervisionClusterCollection.Name)]
public sealed class SupervisionTests(DomainCluster domain)
{
    private const string Falling = "huoju";
    private const string Healthy = "nanlang";

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task A_district_at_50_percent_activity_at_month_end_gets_a_supervision_order_by_the_clock_and_it_closes_on_recovery()
    {
        // Three days before a month's end (local time), so the end is ahead of the clock, and the weekly need visited now
        // is still covered when it comes: its coverage does not change while the clocks take the month-end figures.
        var zone = TimeZones.Find("Asia/Shanghai");
        var local = TimeZoneInfo.ConvertTime(domain.Clock.GetUtcNow(), zone);
        var midMonth = new DateTimeOffset(new DateTime(local.Year, local.Month, 1, 12, 0, 0).AddMonths(2).AddDays(-3), TimeSpan.FromHours(8));
        domain.Clock.Advance(midMonth - domain.Clock.GetUtcNow());
        var clock = Grains.GetGrain<ISupervisionClockGrain>(ISupervisionClockGrain.Key);
        await clock.Wake();

        var (active, household, need) = await Seed.PairedAsync(Grains, Falling);
        var idle = await Seed.VolunteerAsync(Grains, Falling);
        await Seed.PairAsync(Grains, idle, household, need);
        await VisitAsync(active, household, need);
        var (healthy, healthyHousehold, healthyNeed) = await Seed.PairedAsync(Grains, Healthy);
        await VisitAsync(healthy, healthyHousehold, healthyNeed);
        var falling = Grains.GetGrain<IDistrictGrain>(Falling);
        Assert.Equal(0.5, (await DomainCluster.EventuallyAsync(falling.GetSummary, s => s.ActiveVolunteerRate == 0.5)).ActiveVolunteerRate);

        // Before the month ends nothing is opened, however low the rate.
        await clock.Check();
        Assert.Empty(await Grains.GetGrain<ISupervisionGrain>(Falling).GetOrders());

        // The month ends: the clock (its timer, nobody asking) opens an order for the district at 50 %, none for the healthy one.
        domain.Clock.Advance(TimeSpan.FromDays(4));
        var supervision = Grains.GetGrain<ISupervisionGrain>(Falling);
        var orders = await DomainCluster.EventuallyAsync(supervision.GetOrders, o => o.Count > 0);
        var order = Assert.Single(orders);
        Assert.True(order.Open);
        Assert.Equal(0.5, order.RateAtOpen);
        Assert.Equal(TimeZones.LocalDate(domain.Clock.GetUtcNow(), zone).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), order.Month);
        Assert.Empty(await Grains.GetGrain<ISupervisionGrain>(Healthy).GetOrders());

        // The same tick kept each district's month-end figures (before its order), which its past month's report reads.
        var monthEnd = await Grains.GetGrain<IMonthEndGrain>(Falling).Get(order.Month);
        Assert.NotNull(monthEnd);
        var summaryAtEnd = await falling.GetSummary();
        Assert.Equal((0.5, 2, summaryAtEnd.Coverage, summaryAtEnd.Households), (monthEnd.ActiveVolunteerRate, monthEnd.RegisteredVolunteers, monthEnd.Coverage, monthEnd.Households));
        Assert.InRange(monthEnd.RecordedAt, domain.Clock.GetUtcNow().AddMinutes(-5), domain.Clock.GetUtcNow());
        // The clock goes through the districts in turn: the healthy one's figures may come a moment after the order.
        var healthyEnd = Grains.GetGrain<IMonthEndGrain>(Healthy);
        Assert.NotNull(await DomainCluster.EventuallyAsync(() => healthyEnd.Get(order.Month), f => f is not null));

        // The district answers; the order stays open while the rate stays low.
        var answered = await supervision.Respond(order.OrderId, "组织未服务义工参加探访", DateOnly.FromDateTime(midMonth.DateTime).AddMonths(1).AddDays(10), "coord-huoju");
        Assert.True(answered.Succeeded);
        await clock.Check();
        Assert.True((await supervision.GetOrders())[0].Open);

        // The idle volunteer serves: 100 %, and the clock closes the order; it stays on the record.
        await VisitAsync(idle, household, need);
        var closed = await DomainCluster.EventuallyAsync(supervision.GetOrders, o => !o[0].Open);
        Assert.False(closed[0].Open);
        Assert.Equal(1.0, closed[0].RateAtClose);
        Assert.Single(closed[0].Responses);

        // A month evaluated once is not evaluated again, and its month-end figures stay as they were taken.
        await clock.Check();
        Assert.Single(await supervision.GetOrders());
        Assert.Equal(1.0, (await falling.GetSummary()).ActiveVolunteerRate);
        Assert.Equal(monthEnd, await Grains.GetGrain<IMonthEndGrain>(Falling).Get(order.Month));
        var later = monthEnd with { ActiveVolunteerRate = 1.0, RecordedAt = domain.Clock.GetUtcNow() };
        Assert.Equal(monthEnd, await Grains.GetGrain<IMonthEndGrain>(Falling).Record(later));
    }

    private async Task VisitAsync(string volunteer, string household, string need)
    {
        var now = domain.Clock.GetUtcNow();
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
        Assert.True((await visit.CheckIn(new CheckIn(volunteer, household, need, now.AddMinutes(-60), Seed.AtHome))).Succeeded);
        Assert.True((await visit.CheckOut(new CheckOut(volunteer, now.AddMinutes(-5), Seed.AtHome, ["elderly-visit"], "探访"))).Succeeded);
    }
}
