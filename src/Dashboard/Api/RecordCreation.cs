using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Records;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>Creating a caller-named record: the district that claimed its id first wins (<see cref="IRecordClaimGrain"/>).</summary>
public static class RecordCreation
{
    public const string ConflictTitle = "该编号正由其他镇区创建 / This id is being created in another district";

    /// <summary>
    /// For a record that does not exist yet: null when the caller may create it in <paramref name="districtId"/>,
    /// else a 409 (another district claimed the id first and the caller does not cover it).
    /// </summary>
    public static async Task<IResult?> ClaimAsync(IGrainFactory grains, Caller caller, string kind, string id, string districtId)
    {
        var holder = await grains.GetGrain<IRecordClaimGrain>($"{kind}~{id}").Claim(districtId);
        return holder == districtId || caller.CoversDistrict(holder)
            ? null
            : TypedResults.Problem(title: ConflictTitle, statusCode: StatusCodes.Status409Conflict);
    }
}
