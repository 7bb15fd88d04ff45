namespace Boai.Orleans.Districts;

/// <summary>Wakes every district when a silo starts, so overdue needs surface even if nobody asks.</summary>
public static class DistrictClockStartup
{
    public static Task WakeAllAsync(IGrainFactory grains, DistrictDirectory directory) =>
        Task.WhenAll(directory.All.Select(d => grains.GetGrain<IDistrictGrain>(d.DistrictId).Wake()));
}
