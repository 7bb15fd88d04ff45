using Boai.Orleans.Storage;
namespace Boai.Orleans.Records;

[GenerateSerializer]
public sealed class RecordClaimState
{
    [Id(0)] public string? DistrictId { get; set; }

    [Id(1)] public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>
/// Holds the first claim on a new record's id. The claim is stored before it is answered; it lapses after
/// <see cref="Lapse"/>, so an id whose creation failed (invalid body, storage down) does not stay taken by a district
/// that never created it. Once the record exists, its own district decides (the API checks it first).
/// </summary>
public sealed class RecordClaimGrain([PersistentState("claim")] IPersistentState<RecordClaimState> state, TimeProvider time)
    : Grain, IRecordClaimGrain
{
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(5);

    public async Task<string> Claim(string districtId)
    {
        var now = time.GetUtcNow();
        var held = state.State.DistrictId;
        if (held is not null && (held == districtId || now - state.State.ClaimedAt < Lapse))
        {
            return held;
        }

        var claimed = new RecordClaimState { DistrictId = districtId, ClaimedAt = now };
        await state.WriteOrReloadAsync(claimed, this);

        return districtId;
    }
}
