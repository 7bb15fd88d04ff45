using Boai.Orleans.Certification;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// The certification queue's count (<c>pendingChanged</c>) under load: a burst of check-outs is not a message to every
/// watcher per check-out, and the count a watcher ends with is the queue's.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class PendingCountTests(DomainCluster domain)
{
    [Fact]
    public async Task A_burst_of_check_outs_sends_few_counts_and_the_last_one_is_the_queue_s()
    {
        await using var watch = await LiveWatch.StartAsync(domain.Client);
        var district = Seed.Unique("pending");
        var queue = domain.Client.GetGrain<IPendingQueueGrain>(district);
        var now = domain.Clock.GetUtcNow();

        // Forty check-outs delivered one call after another, as the ledger's lane does under load.
        const int Visits = 40;
        for (var i = 0; i < Visits; i++)
        {
            await queue.Apply([CheckedOut(i + 1, district, $"visit-{i}", now.AddMinutes(-i))]);
        }

        Assert.Equal(Visits, await queue.Count());
        var counts = await DomainCluster.EventuallyAsync(
            () => Task.FromResult(watch.Events.Of(district).OfType<PendingChangedEvent>().ToList()),
            list => list.Count > 0 && list[^1].Pending == Visits,
            TimeSpan.FromSeconds(10));

        // The first change goes out at once; the ones within the next half second are held back and go as one.
        Assert.Equal(1, counts[0].Pending);
        Assert.Equal(Visits, counts[^1].Pending);
        Assert.True(counts.Count < Visits / 2, $"{counts.Count} counts sent for {Visits} check-outs");
        Assert.Equal(counts.Select(c => c.Pending).Order(), counts.Select(c => c.Pending));

        // Nothing further changed: nothing more is sent.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(counts.Count, watch.Events.Of(district).OfType<PendingChangedEvent>().Count());
    }

    private static LedgerEvent CheckedOut(long seq, string district, string visitId, DateTimeOffset at) =>
        new(0, seq, VisitStep.CheckedOut, new VisitRecord
        {
            VisitId = visitId,
            VolunteerId = "vol-" + visitId,
            HouseholdId = "household-" + visitId,
            DistrictId = district,
            CheckedInAt = at,
            CheckInReceivedAt = at,
            CheckedOutAt = at.AddMinutes(45),
            CheckOutReceivedAt = at.AddMinutes(45),
            DurationMinutes = 45,
            Hours = 0.75,
            Status = VisitStatus.CheckedOut,
        });
}
