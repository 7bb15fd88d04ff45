using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// Body of <c>POST /districts/{districtId}/plan/accept</c>. Empty (or no body): every proposal of the current plan.
/// <c>needIds</c>: only the current plan's proposals for these needs. <c>proposals</c>: exactly these pairs, as the
/// coordinator saw them (a plan computed since may differ). Give at most one of the two.
/// </summary>
public sealed record PlanAcceptBody(IReadOnlyList<string?>? NeedIds, IReadOnlyList<PlanChoice?>? Proposals);

/// <summary>One pair the coordinator accepts.</summary>
public sealed record PlanChoice(string? NeedId, string? VolunteerId);

/// <summary>What accepting a plan did, one result per proposal, in the order asked.</summary>
public sealed record PlanAcceptResult(string DistrictId, string PlanId, int Created, int Skipped, IReadOnlyList<PlanAcceptItem> Results);

/// <summary>
/// <c>status</c> is <c>created</c> (with <c>pairingId</c>) or <c>skipped</c> with a <c>reason</c>: <c>alreadyPaired</c>
/// (this pairing exists: the plan was accepted before), <c>needCovered</c> (another pairing serves the need now; for a
/// need id without a volunteer: it is no longer on the district's uncovered list), <c>needClosed</c>, <c>notProposed</c>
/// (the current plan has no volunteer for it), <c>volunteerInactive</c> (paused or left), <c>volunteerAtCapacity</c>,
/// <c>forbidden</c> or <c>notFound</c> (the household is not of this district, or the volunteer moved or is gone).
/// </summary>
public sealed record PlanAcceptItem(string NeedId, string? HouseholdId, string? VolunteerId, string Status, string? Reason, string? PairingId);

/// <summary>
/// Whole-district matching (服务匹配): the proposed assignment of a district's uncovered needs, and accepting it in one go.
/// The plan is min-cost max-flow (<see cref="Matching.DistrictPlanner"/>): the most needs covered, then the best total
/// score, and "without overloading" means nobody ends above <c>Matching:MaxPairingsPerVolunteer</c> pairings, counting
/// the ones they have.
/// </summary>
public static class PlanApi
{
    public const int MaxChoices = 1000;
    private const int PairingsInParallel = 4;

    public static RouteGroupBuilder MapPlanApi(this RouteGroupBuilder api)
    {
        var plan = api.MapGroup("/districts/{districtId}/plan").WithTags("Matching");

        plan.MapGet("/", Get)
            .WithSummary("Proposed pairings for all uncovered needs of the district (min-cost max-flow: most needs covered, best total score, nobody above Matching:MaxPairingsPerVolunteer), each factor explained, and the needs left out with why. Pairs nothing.")
            .Produces<DistrictPlanView>().ProducesProblem(403).ProducesProblem(404);
        plan.MapPost("/accept", Accept)
            .WithSummary("Accepts the plan, or the proposals of the needs in needIds, or exactly the given proposals: each becomes a pairing as POST /pairings makes it, unless the need got covered meanwhile or the volunteer is no longer eligible. Accepting twice pairs once.")
            .Accepts<PlanAcceptBody>("application/json")
            .Produces<PlanAcceptResult>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Get(string districtId, Caller caller, Access access, IGrainFactory grains) =>
        access.District(caller, districtId) ?? TypedResults.Ok(await grains.GetGrain<IDistrictGrain>(districtId).Plan());

    private static async Task<IResult> Accept(string districtId, PlanAcceptBody? body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var choices = Read(body, v);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var plan = await grains.GetGrain<IDistrictGrain>(districtId).Plan();
        var proposed = plan.Proposals.ToDictionary(p => p.NeedId, StringComparer.Ordinal);
        var left = plan.Unassigned.ToDictionary(p => p.NeedId, StringComparer.Ordinal);

        // Each choice resolved against the current plan: a pairing to attempt, or already a result.
        var work = (choices ?? plan.Proposals.Select(p => new Choice(p.NeedId, null))).Select(c =>
        {
            var householdId = Ids.OwnerHousehold(c.NeedId, 'n');
            if (c.VolunteerId is { } chosen)
            {
                // Even when no longer uncovered: the household answers the same pairing again (a retried accept).
                return new PlanAcceptItem(c.NeedId, householdId, chosen, Attempt, null, null);
            }

            return proposed.TryGetValue(c.NeedId, out var p) ? new PlanAcceptItem(c.NeedId, p.HouseholdId, p.VolunteerId, Attempt, null, null)
                : left.ContainsKey(c.NeedId) ? Skip(c.NeedId, householdId, null, "notProposed")
                : Skip(c.NeedId, householdId, null, PairingRefusals.NeedCovered);
        }).ToArray();

        var results = new PlanAcceptItem[work.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Length), new ParallelOptions { MaxDegreeOfParallelism = PairingsInParallel }, async (i, _) =>
        {
            var item = work[i];
            results[i] = item.Status != Attempt ? item : await PairAsync(item, districtId, plan.MaxPairingsPerVolunteer, caller, access, grains);
        });

        var created = results.Count(r => r.Status == Created);
        return TypedResults.Ok(new PlanAcceptResult(districtId, plan.PlanId, created, results.Length - created, results));
    }

    private const string Attempt = "attempt";
    private const string Created = "created";

    private static async Task<PlanAcceptItem> PairAsync(PlanAcceptItem item, string districtId, int maxPairings, Caller caller, Access access, IGrainFactory grains)
    {
        var (outcome, denied) = await PairingsApi.PairAsync(caller, access, grains, item.VolunteerId!, item.HouseholdId!, item.NeedId, districtId, maxPairings);
        if (denied is not null)
        {
            var status = (denied as IStatusCodeHttpResult)?.StatusCode;
            return Skip(item, status == StatusCodes.Status404NotFound ? "notFound" : "forbidden");
        }

        return outcome switch
        {
            { Failure: { } failure } => Skip(item, failure.Code ?? failure.Kind.ToContract()),
            { Created: true, Value: { } pairing } => item with { Status = Created, PairingId = pairing.PairingId },
            _ => Skip(item, "alreadyPaired") with { PairingId = outcome!.Value?.PairingId },
        };
    }

    private static PlanAcceptItem Skip(PlanAcceptItem item, string reason) => item with { Status = "skipped", Reason = reason };

    private static PlanAcceptItem Skip(string needId, string? householdId, string? volunteerId, string reason) =>
        new(needId, householdId, volunteerId, "skipped", reason, null);

    /// <summary>The choices of the body; null for "the whole plan". Every bad field is named.</summary>
    private static List<Choice>? Read(PlanAcceptBody? body, Validation v)
    {
        if (body is null || (body.NeedIds is null && body.Proposals is null))
        {
            return null;
        }

        if (body.NeedIds is not null && body.Proposals is not null)
        {
            v.Add("proposals", "needIds 与 proposals 只能给一个 / Give needIds or proposals, not both");
            return null;
        }

        var count = body.NeedIds?.Count ?? body.Proposals!.Count;
        var field = body.NeedIds is not null ? "needIds" : "proposals";
        if (count > MaxChoices)
        {
            v.Add(field, $"最多 {MaxChoices} 项 / At most {MaxChoices} items");
            return null;
        }

        var choices = new List<Choice>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            string? needId;
            string? volunteerId = null;
            string needField;
            if (body.NeedIds is not null)
            {
                needId = body.NeedIds[i];
                needField = $"needIds[{i}]";
            }
            else if (body.Proposals![i] is { } proposal)
            {
                needId = proposal.NeedId;
                needField = $"proposals[{i}].needId";
                volunteerId = v.Id($"proposals[{i}].volunteerId", proposal.VolunteerId);
            }
            else
            {
                v.Add($"proposals[{i}]", "必填 / Required");
                continue;
            }

            if (Ids.OwnerHousehold(needId, 'n') is null)
            {
                v.Add(needField, "不是需求编号 / Not a need id");
            }
            else if (!seen.Add(needId!))
            {
                v.Add(needField, "重复 / Listed twice");
            }
            else
            {
                choices.Add(new Choice(needId!, volunteerId));
            }
        }

        return choices;
    }

    private sealed record Choice(string NeedId, string? VolunteerId);
}
