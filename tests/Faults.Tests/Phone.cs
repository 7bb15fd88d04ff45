using System.Diagnostics;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// A volunteer's phone talking to the cluster directly: it makes the visit id, and retries the very same request
/// until it is acknowledged, as the mobile client does. A refusal (a <see cref="Failure"/>) is never retried: under
/// faults the service must not refuse a request it would accept without them.
/// </summary>
internal sealed class Phone(IGrainFactory grains, FaultSeed.Pair pair, VisitHistory history)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    /// <summary>Checks in and out of one new visit; returns once both are acknowledged.</summary>
    public async Task VisitAsync()
    {
        var visitId = FaultSeed.Unique("visit");
        var now = DateTimeOffset.UtcNow;
        var checkIn = new CheckIn(pair.VolunteerId, pair.HouseholdId, pair.NeedId, now.AddMinutes(-60), FaultSeed.AtHome);
        var checkOut = new CheckOut(pair.VolunteerId, now.AddMinutes(-1), FaultSeed.AtHome, ["elderly-visit"], "陪伴聊天");

        await UntilAcknowledgedAsync("check-in", pair.VolunteerId, visitId, g => g.CheckIn(checkIn));
        history.AcknowledgedCheckIn(visitId);
        var visit = await UntilAcknowledgedAsync("check-out", pair.VolunteerId, visitId, g => g.CheckOut(checkOut));
        history.AcknowledgedCheckOut(visit);
    }

    private async Task<VisitView> UntilAcknowledgedAsync(string operation, string volunteerId, string visitId, Func<IVisitGrain, Task<Outcome<VisitView>>> call)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var outcome = await call(grains.Visit(volunteerId, visitId)).WaitAsync(AttemptTimeout);
                Assert.True(outcome.Succeeded, $"{operation} of {visitId} was refused: {outcome.Failure?.Kind} {outcome.Failure?.Title}");
                return outcome.Value!;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException && clock.Elapsed < GiveUpAfter)
            {
                // Indeterminate: the request may or may not have taken effect. The same request again settles it.
                history.Retried(operation, visitId, ex.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
