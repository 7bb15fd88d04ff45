using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.DependencyInjection;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class OrderTests(DomainCluster domain)
{
    private const string District = "shenwan";

    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    [Fact]
    public async Task Exactly_one_of_100_concurrent_claims_wins_and_the_order_remembers_it()
    {
        var volunteers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Seed.VolunteerAsync(Grains, District)));
        var orderId = await OrderAsync();
        var order = Grains.GetGrain<IOrderGrain>(orderId);

        var claims = await Task.WhenAll(volunteers.Select(v => order.Claim(v)));

        var won = Assert.Single(claims, c => c.Succeeded);
        Assert.All(claims.Where(c => !c.Succeeded), c => Assert.Equal(FailureKind.Conflict, c.Failure!.Kind));
        Assert.Equal(99, claims.Count(c => c.Failure?.Kind == FailureKind.Conflict));
        var winner = won.Value!.VolunteerId;
        Assert.Equal(OrderStatus.Claimed, won.Value.Status);

        await domain.Cluster.DeactivateAsync(order);
        await domain.Cluster.WaitForDeactivationAsync(order);
        var reread = await order.Get();
        Assert.Equal(OrderStatus.Claimed, reread!.Status);
        Assert.Equal(winner, reread.VolunteerId);
        Assert.Single(reread.History, s => s.Action == "claimed");
        var board = await Grains.GetGrain<IOrderBoardGrain>(District).List();
        Assert.Equal(winner, Assert.Single(board, o => o.OrderId == orderId).VolunteerId);
    }

    [Fact]
    public async Task A_released_order_is_on_offer_again_and_another_volunteer_may_take_it()
    {
        var first = await Seed.VolunteerAsync(Grains, District);
        var second = await Seed.VolunteerAsync(Grains, District);
        var orderId = await OrderAsync();
        var order = Grains.GetGrain<IOrderGrain>(orderId);
        Assert.True((await order.Claim(first)).Succeeded);
        Assert.Equal(FailureKind.Conflict, (await order.Claim(second)).Failure!.Kind);
        Assert.Equal(FailureKind.Forbidden, (await order.Release(second, byVolunteer: true)).Failure!.Kind);

        var released = await order.Release(first, byVolunteer: true);

        Assert.Equal(OrderStatus.Open, released.Value!.Status);
        Assert.Null(released.Value.VolunteerId);
        var offers = await Grains.GetGrain<IOrderBoardGrain>(District).OffersFor(second, District);
        Assert.Contains(offers, o => o.OrderId == orderId);
        var taken = await order.Claim(second);
        Assert.Equal(second, taken.Value!.VolunteerId);
    }

    [Fact]
    public async Task An_ineligible_volunteer_cannot_take_an_order()
    {
        var eligible = await Seed.VolunteerAsync(Grains, District);
        var barber = await VolunteerAsync(["haircut"], [new WeeklySlot(DayOfWeek.Monday, new(9, 0), new(12, 0))]);
        var busy = await VolunteerAsync(["visiting"], [new WeeklySlot(DayOfWeek.Tuesday, new(9, 0), new(12, 0))]);
        var elsewhere = await Seed.VolunteerAsync(Grains, "dongsheng");
        var orderId = await OrderAsync();
        var order = Grains.GetGrain<IOrderGrain>(orderId);

        foreach (var volunteer in new[] { barber, busy, elsewhere, "nobody-registered" })
        {
            var refused = await order.Claim(volunteer);
            Assert.Equal(FailureKind.Forbidden, refused.Failure?.Kind);
            Assert.Empty(await Grains.GetGrain<IOrderBoardGrain>(District).OffersFor(volunteer, District));
        }

        Assert.Equal(OrderStatus.Open, (await order.Get())!.Status);
        Assert.True(await order.IsEligible(eligible));
        Assert.True((await order.Claim(eligible)).Succeeded);
    }

    [Fact]
    public async Task An_order_unclaimed_too_long_becomes_uncovered_with_no_request_and_a_claim_covers_it()
    {
        var volunteer = await Seed.VolunteerAsync(Grains, District);
        var orderId = await OrderAsync();
        var district = Grains.GetGrain<IDistrictGrain>(District);
        Assert.DoesNotContain(await district.GetUncovered(), u => u.NeedId == orderId);

        // Orders:UnclaimedAfter is two hours by default. Nobody calls the order or the household.
        domain.Clock.Advance(TimeSpan.FromHours(3));
        var uncovered = await DomainCluster.EventuallyAsync(district.GetUncovered, list => list.Any(u => u.NeedId == orderId));

        var entry = Assert.Single(uncovered, u => u.NeedId == orderId);
        Assert.Equal(UncoveredReason.OrderUnclaimed, entry.Reason);
        Assert.True((await Grains.GetGrain<IOrderGrain>(orderId).Get())!.Escalated);

        Assert.True((await Grains.GetGrain<IOrderGrain>(orderId).Claim(volunteer)).Succeeded);
        Assert.DoesNotContain(await district.GetUncovered(), u => u.NeedId == orderId);
    }

    [Fact]
    public async Task A_taken_order_is_completed_by_a_normal_visit_whose_hours_reach_the_ledger()
    {
        var volunteer = await Seed.VolunteerAsync(Grains, District);
        var stranger = await Seed.VolunteerAsync(Grains, District);
        var household = await Seed.HouseholdAsync(Grains, District);
        var orderId = await OrderAsync(household);
        var order = Grains.GetGrain<IOrderGrain>(orderId);
        Assert.True((await order.Claim(volunteer)).Succeeded);

        // Not paired with the household: only the order lets the volunteer in, and only them.
        var refused = await Grains.Visit(stranger, Seed.Unique("visit")).CheckIn(new CheckIn(stranger, household, null, Now.AddMinutes(-60), Seed.AtHome));
        Assert.Equal(FailureKind.Forbidden, refused.Failure?.Kind);
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        var checkedIn = await visit.CheckIn(new CheckIn(volunteer, household, orderId, Now.AddMinutes(-60), Seed.AtHome));
        Assert.True(checkedIn.Succeeded, checkedIn.Failure?.Title);
        var checkedOut = await visit.CheckOut(new CheckOut(volunteer, Now.AddMinutes(-15), Seed.AtHome, ["elderly-visit"], "陪伴"));
        Assert.True(checkedOut.Succeeded, checkedOut.Failure?.Title);

        await DomainCluster.SettledAsync(Grains);
        var done = await order.Get();
        Assert.Equal(OrderStatus.Completed, done!.Status);
        Assert.Equal(visitId, done.VisitId);
        var ledger = domain.Cluster.Silos[0].ServiceProvider.GetRequiredService<IVisitLedger>();
        var entries = new List<LedgerVisit>();
        await foreach (var v in ledger.ReadVolunteerAsync(volunteer))
        {
            entries.Add(v);
        }

        var entry = Assert.Single(entries);
        Assert.Equal(orderId, entry.Entry.NeedId);
        Assert.Equal(0.75, entry.Entry.Hours);
        Assert.Equal(0.75, (await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours())!.PendingHours);

        // Done: the order no longer lets its volunteer in.
        var again = await Grains.Visit(volunteer, Seed.Unique("visit")).CheckIn(new CheckIn(volunteer, household, orderId, Now.AddMinutes(-5), Seed.AtHome));
        Assert.NotNull(again.Failure);
    }

    [Fact]
    public async Task An_order_with_a_window_ending_before_it_starts_is_refused()
    {
        var household = await Seed.HouseholdAsync(Grains, District);
        var orderId = (await Grains.GetGrain<IHouseholdGrain>(household).ReserveOrderId()).Value!;
        var start = Now.AddDays(1);

        var outcome = await Grains.GetGrain<IOrderGrain>(orderId).Create(new NewOrder(household, "elderly-visit", start, start.AddHours(-1), null, 3, "test"));

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Contains("windowEnd", outcome.Failure!.Errors!.Keys);
        Assert.Null(await Grains.GetGrain<IOrderGrain>(orderId).Get());
    }

    private async Task<string> OrderAsync(string? household = null)
    {
        household ??= await Seed.HouseholdAsync(Grains, District);
        var orderId = (await Grains.GetGrain<IHouseholdGrain>(household).ReserveOrderId()).Value!;
        var (start, end) = MondayMorning(Now);
        var outcome = await Grains.GetGrain<IOrderGrain>(orderId).Create(new NewOrder(household, "elderly-visit", start, end, "想找人陪聊", 3, "test"));
        Assert.True(outcome.Succeeded, outcome.Failure?.Title);
        Assert.Equal(OrderStatus.Open, outcome.Value!.Status);
        return orderId;
    }

    private async Task<string> VolunteerAsync(IReadOnlyList<string> skills, IReadOnlyList<WeeklySlot> slots)
    {
        var id = Seed.Unique("v");
        var profile = new VolunteerProfile("王小红", "13800004321", District, skills, slots, VolunteerStatus.Active, new Willingness([], 5));
        Assert.True((await Grains.GetGrain<IVolunteerGrain>(id).Upsert(profile, "test")).Succeeded);
        return id;
    }

    /// <summary>10:00–11:00 next Monday in Zhongshan: inside the seeded volunteers' free slot (Monday 9–12).</summary>
    internal static (DateTimeOffset Start, DateTimeOffset End) MondayMorning(DateTimeOffset now)
    {
        var local = now.ToOffset(TimeSpan.FromHours(8));
        var days = ((int)DayOfWeek.Monday - (int)local.DayOfWeek + 7) % 7;
        var start = new DateTimeOffset(local.Date.AddDays(days == 0 ? 7 : days).AddHours(10), TimeSpan.FromHours(8));
        return (start, start.AddHours(1));
    }
}
