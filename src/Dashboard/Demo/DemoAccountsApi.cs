using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Rules;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Demo;

public sealed record DemoVolunteer(string Sub, string MaskedName, string DistrictId);

public sealed record DemoResident(string Sub, string Household, string Community);

public sealed record DemoAccounts(IReadOnlyList<DemoVolunteer> Volunteers, IReadOnlyList<DemoResident> Residents);

/// <summary>
/// The phone app's one-click demo sign-in: a few demo volunteers who have pairings, and a demo resident, taken from
/// the same seeded plan the demo data comes from. Exists only where dev tokens do; empty unless the demo is seeded.
/// </summary>
public static class DemoAccountsApi
{
    public const int Volunteers = 3;

    public static IEndpointRouteBuilder MapDemoAccountsApi(this IEndpointRouteBuilder routes)
    {
        if (!routes.ServiceProvider.GetRequiredService<TokenSigning>().DevTokensEnabled)
        {
            return routes;
        }

        routes.MapGet("/api/v1/dev/demo-accounts", Accounts)
            .AllowAnonymous()
            .WithTags("Dev")
            .WithSummary("Demo volunteers with pairings and a demo resident for the phone app's one-click sign-in (development and demo only).")
            .Produces<DemoAccounts>();
        return routes;
    }

    private static DemoAccounts Accounts(IOptions<DemoOptions> options, DistrictDirectory districts, ServiceCatalogue catalogue)
    {
        if (!options.Value.Seed)
        {
            return new DemoAccounts([], []);
        }

        var first = DemoPlan.Make(options.Value, districts, catalogue).First(d => d.Households.Count > 0);
        var paired = first.Households.SelectMany(h => h.Needs).Select(n => n.VolunteerId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var volunteers = first.Volunteers.Where(v => paired.Contains(v.VolunteerId)).Take(Volunteers)
            .Select(v => new DemoVolunteer(v.VolunteerId, Masking.Name(v.Profile.Name), first.DistrictId)).ToList();
        var household = first.Households[0];
        return new DemoAccounts(volunteers, [new DemoResident("r-" + household.HouseholdId, household.HouseholdId, household.Profile.Community)]);
    }
}
