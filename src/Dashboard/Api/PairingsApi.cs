using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Households;
using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>A pairing request; <c>slot</c> (optional) plans a weekly visit, which puts it on the district's due-today list on that day.</summary>
public sealed record PairingBody(string? VolunteerId, string? HouseholdId, string? NeedId, SlotBody? Slot = null);

/// <summary>Pairings (结对) of a volunteer with a household's need. A coordinator needs both in their districts.</summary>
public static class PairingsApi
{
    public static RouteGroupBuilder MapPairingsApi(this RouteGroupBuilder api)
    {
        var pairings = api.MapGroup("/pairings").WithTags("Pairings");

        pairings.MapPost("/", Create)
            .WithSummary("Pairs a volunteer with a need; the need becomes covered. An optional weekly slot plans the visit (due-today list); posting it again for the same volunteer and need sets the slot.")
            .Produces<PairingView>(StatusCodes.Status201Created).Produces<PairingView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        pairings.MapGet("/{pairingId}", Get)
            .WithSummary("A pairing.")
            .Produces<PairingView>().ProducesProblem(403).ProducesProblem(404);
        pairings.MapDelete("/{pairingId}", End)
            .WithSummary("Ends a pairing; its need becomes uncovered unless another pairing serves it.")
            .Produces<PairingView>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Create(PairingBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var volunteerId = v.Id("volunteerId", body.VolunteerId);
        var householdId = v.Id("householdId", body.HouseholdId);
        if (Ids.OwnerHousehold(body.NeedId, 'n') is not { } owner || owner != householdId)
        {
            v.Add("needId", "不是该家庭的需求 / Not a need of this household");
        }

        var slot = body.Slot is null ? null : VolunteersApi.Slot(v, "slot", body.Slot);

        if (!v.IsValid)
        {
            return v.Problem();
        }

        var (outcome, denied) = await PairAsync(caller, access, grains, volunteerId, householdId, body.NeedId!, plannedIn: null, maxPairingsOfVolunteer: null, slot);
        return denied ?? outcome!.ToResult(p => p, outcome!.Value is { } p ? $"/api/v1/pairings/{p.PairingId}" : null);
    }

    /// <summary>
    /// The API's one way to make a pairing, for <c>POST /pairings</c> and an accepted district plan alike: the caller
    /// must cover the household's and the volunteer's districts (<see cref="Access"/>), then the household grain pairs.
    /// For a plan of district <paramref name="plannedIn"/>, the household must be of that district, and with
    /// <paramref name="maxPairingsOfVolunteer"/> the household refuses a need already served and a volunteer at capacity
    /// (<see cref="IHouseholdGrain.CreatePlannedPairing"/>).
    /// </summary>
    internal static async Task<(Outcome<PairingView>? Outcome, IResult? Denied)> PairAsync(
        Caller caller, Access access, IGrainFactory grains, string volunteerId, string householdId, string needId, string? plannedIn, int? maxPairingsOfVolunteer, WeeklySlot? slot = null)
    {
        var household = await access.Household(caller, householdId);
        if (household.Denied is not null)
        {
            return (null, household.Denied);
        }

        if (plannedIn is not null && household.Value != plannedIn)
        {
            return (null, ApiProblems.NotFound($"镇区 {plannedIn} 没有家庭 {householdId} / No household {householdId} in district {plannedIn}"));
        }

        var volunteer = await access.Volunteer(caller, volunteerId, self: false);
        if (volunteer.Denied is not null)
        {
            return (null, volunteer.Denied);
        }

        var grain = grains.GetGrain<IHouseholdGrain>(householdId);
        var outcome = maxPairingsOfVolunteer is { } max
            ? await grain.CreatePlannedPairing(volunteerId, needId, max, caller.Sub)
            : await grain.CreatePairing(volunteerId, needId, caller.Sub, slot);
        return (outcome, null);
    }

    private static async Task<IResult> Get(string pairingId, Caller caller, Access access)
    {
        var pairing = await access.Pairing(caller, pairingId);
        return pairing.Denied ?? TypedResults.Ok(pairing.Value);
    }

    private static async Task<IResult> End(string pairingId, Caller caller, Access access, IGrainFactory grains)
    {
        var pairing = await access.Pairing(caller, pairingId);
        if (pairing.Denied is not null)
        {
            return pairing.Denied;
        }

        return (await grains.GetGrain<IHouseholdGrain>(pairing.Value!.HouseholdId).EndPairing(pairingId, caller.Sub)).ToOk(p => p);
    }
}
