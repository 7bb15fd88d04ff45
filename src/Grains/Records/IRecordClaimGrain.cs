namespace Boai.Orleans.Records;

/// <summary>
/// Who creates a caller-named record (a volunteer, a household, a team): key <c>{kind}~{id}</c> (caller ids never contain <c>~</c>). The first district to
/// claim an id that has no record yet holds it, decided one call at a time, so two coordinators of different
/// districts creating the same id at once cannot both succeed, the second silently moving the first's record.
/// </summary>
public interface IRecordClaimGrain : IGrainWithStringKey
{
    /// <summary>Claims the id for <paramref name="districtId"/>; answers the district that holds the claim now.</summary>
    Task<string> Claim(string districtId);
}
