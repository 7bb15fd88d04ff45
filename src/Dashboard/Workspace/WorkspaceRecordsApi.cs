using System.Globalization;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Workspace;

/// <summary>A training or certification a volunteer completed (培训): its date and, when it lapses, its expiry.</summary>
public sealed record TrainingBody(string? Name, string? CompletedOn, string? ExpiresOn, string? Certificate);

/// <summary>A pairing on a district's list: the volunteer's name masked, the household by id and community, the need's item, slot and last visit.</summary>
public sealed record PairingListItem(
    string PairingId,
    string VolunteerId,
    string VolunteerName,
    string HouseholdId,
    string Community,
    string NeedId,
    string ItemId,
    NeedFrequency Frequency,
    SlotDto? Slot,
    DateTimeOffset StartedAt,
    DateTimeOffset? LastVisitAt);

/// <summary>The coordinator's workspace routes beyond the record routes: trainings and a district's pairings.</summary>
public static class WorkspaceRecordsApi
{
    private const int ParallelReads = 8;

    public static RouteGroupBuilder MapWorkspaceRecordsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/volunteers/{volunteerId}/trainings", AddTraining)
            .WithTags("Volunteers")
            .WithSummary("Records a training the volunteer completed (培训): name, completedOn and optional expiresOn (yyyy-MM-dd), certificate number.")
            .Produces<VolunteerDto>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/districts/{districtId}/pairings", Pairings)
            .WithTags("Pairings")
            .WithSummary("The district's active pairings (结对) with volunteer (masked), household, need, planned slot and last visit, by household.")
            .Produces<PairingListItem[]>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> AddTraining(string volunteerId, TrainingBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var name = v.Text("name", body.Name, 80);
        var completed = Date(v, "completedOn", body.CompletedOn, required: true);
        var expires = Date(v, "expiresOn", body.ExpiresOn, required: false);
        if (completed is not null && expires is not null && expires <= completed)
        {
            v.Add("expiresOn", "应晚于完成日期 / Must be after completedOn");
        }

        var certificate = v.OptionalText("certificate", body.Certificate, 60);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var volunteer = await access.Volunteer(caller, volunteerId, self: false);
        if (volunteer.Denied is not null)
        {
            return volunteer.Denied;
        }

        return (await grains.GetGrain<IVolunteerGrain>(volunteerId).AddTraining(new Training(name, completed!.Value, certificate, expires)))
            .ToOk(VolunteerDto.From);
    }

    private static async Task<IResult> Pairings(string districtId, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var district = grains.GetGrain<IDistrictGrain>(districtId);
        var names = (await district.GetVolunteers()).ToDictionary(x => x.VolunteerId, x => Masking.Name(x.MaskedName), StringComparer.Ordinal);
        var households = await district.GetHouseholds();
        var files = new HouseholdFile?[households.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, households.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads }, async (i, _) =>
            files[i] = households[i].OpenNeeds > 0 ? await grains.GetGrain<IHouseholdGrain>(households[i].HouseholdId).Get() : null);

        var items = new List<PairingListItem>();
        foreach (var file in files.OfType<HouseholdFile>())
        {
            var needs = file.Needs.ToDictionary(n => n.NeedId, StringComparer.Ordinal);
            foreach (var pairing in file.Pairings.Where(p => p.EndedAt is null && needs.ContainsKey(p.NeedId)))
            {
                var need = needs[pairing.NeedId];
                items.Add(new PairingListItem(
                    pairing.PairingId,
                    pairing.VolunteerId,
                    names.GetValueOrDefault(pairing.VolunteerId, ""),
                    file.HouseholdId,
                    file.Profile.Community,
                    need.NeedId,
                    need.ItemId,
                    need.Frequency,
                    pairing.Slot is { } slot ? SlotDto.From(slot) : null,
                    pairing.StartedAt,
                    need.LastVisitAt));
            }
        }

        return TypedResults.Ok(items.OrderBy(p => p.HouseholdId, StringComparer.Ordinal).ThenBy(p => p.PairingId, StringComparer.Ordinal).ToList());
    }

    private static DateOnly? Date(Validation v, string field, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                v.Add(field, "必填 / Required");
            }

            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        v.Add(field, "日期格式 yyyy-MM-dd / A date as yyyy-MM-dd");
        return null;
    }
}
