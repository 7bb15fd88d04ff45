using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class TelemetryTests(DomainCluster domain)
{
    [Fact]
    public async Task A_check_in_and_its_check_out_are_counted_on_the_service_meter_with_their_district()
    {
        var seen = new ConcurrentQueue<(string Instrument, long Value, string? District)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Telemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? district = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "district")
                {
                    district = tag.Value as string;
                }
            }

            seen.Enqueue((instrument.Name, value, district));
        });
        listener.Start();

        // A district no other test of this collection visits, so what is seen here is this test's.
        var (volunteer, household, need) = await Seed.PairedAsync(domain.Client, "tanzhou");
        var visit = domain.Client.Visit(volunteer, Seed.Unique("visit"));
        var now = domain.Clock.GetUtcNow();
        var checkIn = new CheckIn(volunteer, household, need, now.AddMinutes(-30), Seed.AtHome);
        Assert.True((await visit.CheckIn(checkIn)).Created);
        Assert.False((await visit.CheckIn(checkIn)).Created);
        Assert.True((await visit.CheckOut(new CheckOut(volunteer, now.AddMinutes(-1), Seed.AtHome, [], null))).Succeeded);

        // The replayed check-in is not counted again.
        Assert.Equal(1, seen.Where(m => m is { Instrument: "boai.visits.checked_in", District: "tanzhou" }).Sum(m => m.Value));
        Assert.Equal(1, seen.Where(m => m is { Instrument: "boai.visits.checked_out", District: "tanzhou" }).Sum(m => m.Value));
    }
}
