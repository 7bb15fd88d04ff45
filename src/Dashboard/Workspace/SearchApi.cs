using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Workspace;

/// <summary>A household found by a search, masked as lists are: the first member's name and phone masked, no address.</summary>
public sealed record HouseholdHit(string HouseholdId, string DistrictId, string Community, string Name, string? Phone, RiskLevel RiskLevel, string Matched);

/// <summary>A volunteer found by a search, masked as lists are.</summary>
public sealed record VolunteerHit(string VolunteerId, string DistrictId, string Name, string Phone, VolunteerStatus Status, IReadOnlyList<string> Skills, int ActivePairings, string Matched);

public sealed record SearchResult(string Query, IReadOnlyList<HouseholdHit> Households, IReadOnlyList<VolunteerHit> Volunteers);

/// <summary>
/// Search within the caller's districts (or one of them): households and volunteers by name, phone tail (4 digits or
/// more), community or address. Names and phones are matched on the records and answered masked, as lists show them.
/// It reads every record of the districts searched, so it is for a district's scale (thousands), not a city's at once.
/// </summary>
public static class SearchApi
{
    public const int MaxHits = 50;
    private const int ParallelReads = 16;

    public static RouteGroupBuilder MapSearchApi(this RouteGroupBuilder api)
    {
        api.MapGet("/search", Search)
            .WithTags("Search")
            .WithSummary("Households and volunteers of the caller's districts (?districtId= narrows to one) by name, phone tail, community or address (?q=, 1–50 characters); masked; at most 50 of each.")
            .Produces<SearchResult>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Search(string? q, string? districtId, Caller caller, Access access, IGrainFactory grains, DistrictDirectory directory)
    {
        if (access.Staff(caller) is { } staff)
        {
            return staff;
        }

        var v = new Validation();
        var query = v.Text("q", q, 50);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (!string.IsNullOrEmpty(districtId) && access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var districts = string.IsNullOrEmpty(districtId)
            ? directory.All.Where(d => caller.CoversDistrict(d.DistrictId)).Select(d => d.DistrictId).ToList()
            : [districtId];
        var households = new List<HouseholdHit>();
        var volunteers = new List<VolunteerHit>();
        foreach (var id in districts)
        {
            if (households.Count >= MaxHits && volunteers.Count >= MaxHits)
            {
                break;
            }

            var district = grains.GetGrain<IDistrictGrain>(id);
            households.AddRange(await HouseholdsAsync(grains, await district.GetHouseholds(), query));
            volunteers.AddRange(await VolunteersAsync(grains, await district.GetVolunteers(), query));
        }

        return TypedResults.Ok(new SearchResult(query, households.Take(MaxHits).ToList(), volunteers.Take(MaxHits).ToList()));
    }

    private static async Task<List<HouseholdHit>> HouseholdsAsync(IGrainFactory grains, IReadOnlyList<HouseholdSummary> summaries, string query)
    {
        var hits = new HouseholdHit?[summaries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, summaries.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads }, async (i, _) =>
        {
            var summary = summaries[i];
            if (await grains.GetGrain<IHouseholdGrain>(summary.HouseholdId).Get() is not { } file)
            {
                return;
            }

            var profile = file.Profile;
            var first = profile.Members.Count > 0 ? profile.Members[0] : null;
            var matched = profile.Members.Any(m => m.Name.Contains(query, StringComparison.OrdinalIgnoreCase)) ? "name"
                : PhoneTail(query, profile.Members.Select(m => m.Phone).Concat(profile.Contacts.Select(c => c.Phone))) ? "phone"
                : profile.Community.Contains(query, StringComparison.OrdinalIgnoreCase) ? "community"
                : profile.Address.Contains(query, StringComparison.OrdinalIgnoreCase) ? "address"
                : summary.HouseholdId.Equals(query, StringComparison.OrdinalIgnoreCase) ? "id"
                : null;
            if (matched is not null)
            {
                hits[i] = new HouseholdHit(
                    file.HouseholdId, profile.DistrictId, profile.Community, Masking.Name(first?.Name), first?.Phone is { } phone ? Masking.Phone(phone) : null, profile.RiskLevel, matched);
            }
        });
        return hits.OfType<HouseholdHit>().OrderBy(h => h.HouseholdId, StringComparer.Ordinal).ToList();
    }

    private static async Task<List<VolunteerHit>> VolunteersAsync(IGrainFactory grains, IReadOnlyList<VolunteerSummary> summaries, string query)
    {
        var hits = new VolunteerHit?[summaries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, summaries.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads }, async (i, _) =>
        {
            if (await grains.GetGrain<IVolunteerGrain>(summaries[i].VolunteerId).Get() is not { } volunteer)
            {
                return;
            }

            var profile = volunteer.Profile;
            var matched = profile.Name.Contains(query, StringComparison.OrdinalIgnoreCase) ? "name"
                : PhoneTail(query, [profile.Phone]) ? "phone"
                : volunteer.VolunteerId.Equals(query, StringComparison.OrdinalIgnoreCase) ? "id"
                : null;
            if (matched is not null)
            {
                hits[i] = new VolunteerHit(
                    volunteer.VolunteerId, profile.DistrictId, Masking.Name(profile.Name), Masking.Phone(profile.Phone), profile.Status, profile.Skills,
                    summaries[i].ActivePairings, matched);
            }
        });
        return hits.OfType<VolunteerHit>().OrderBy(h => h.VolunteerId, StringComparer.Ordinal).ToList();
    }

    /// <summary>A query of four digits or more matches the end of a phone number.</summary>
    private static bool PhoneTail(string query, IEnumerable<string?> phones) =>
        query.Length >= 4 && query.All(char.IsAsciiDigit) && phones.Any(p => p is not null && p.Replace(" ", "", StringComparison.Ordinal).EndsWith(query, StringComparison.Ordinal));
}
