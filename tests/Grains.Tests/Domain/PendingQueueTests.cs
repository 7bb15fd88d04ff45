using Boai.Orleans.Certification;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// A district's 待认证 count as the ledger delivers it. In the supervision cluster's collection because it moves the
/// clock by months, which no test of the shared cluster may see.
/// </summary>
[Collection(SupervisionClusterCollection.Name)]
public sealed class PendingQueueTests(DomainCluster domain)
{
    private const string District = "henglan"; // no other grain test writes here

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task The_pending_count_follows_check_outs_decisions_and_the_queues_window()
    {
        var queue = Grains.GetGrain<IPendingQueueGrain>(District);
        var start = await queue.Count();
        var (volunteer, household, need) = await Seed.PairedAsync(Grains, District);

        var first = await VisitAsync(volunteer, household, need);
        var second = await VisitAsync(volunteer, household, need);
        await DomainCluster.EventuallyAsync(queue.Count, c => c == start + 2);

        Assert.True((await Grains.Visit(volunteer, first).Certify("coord-henglan")).Succeeded);
        Assert.Equal(start + 1, await DomainCluster.EventuallyAsync(queue.Count, c => c == start + 1));
        Assert.True((await Grains.Visit(volunteer, second).Reject("coord-henglan", "重复记录")).Succeeded);
        Assert.Equal(start, await DomainCluster.EventuallyAsync(queue.Count, c => c == start));

        // A visit still pending when it leaves the queue's window (92 days by check-in) no longer counts.
        await VisitAsync(volunteer, household, need);
        await DomainCluster.EventuallyAsync(queue.Count, c => c == start + 1);
        domain.Clock.Advance(PendingQueueOptions.DefaultPendingWindow + TimeSpan.FromDays(1));
        Assert.Equal(0, await queue.Count());
    }

    private async Task<string> VisitAsync(string volunteer, string household, string need)
    {
        var now = domain.Clock.GetUtcNow();
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        Assert.True((await visit.CheckIn(new CheckIn(volunteer, household, need, now.AddMinutes(-60), Seed.AtHome))).Succeeded);
        Assert.True((await visit.CheckOut(new CheckOut(volunteer, now.AddMinutes(-5), Seed.AtHome, ["elderly-visit"], "探访"))).Succeeded);
        return visitId;
    }
}
