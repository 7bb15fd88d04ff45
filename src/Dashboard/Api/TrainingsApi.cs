using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Api;

public sealed record TrainingBody(string? Name, string? CompletedOn, string? Certificate);

/// <summary>
/// Trainings a volunteer completed (培训记录). Catalogue items may require one (陪同就医 requires 急救培训): suggestions,
/// the district plan and order offers leave out volunteers without a valid one (<see cref="Rules.TrainingRules"/>).
/// </summary>
public static class TrainingsApi
{
    public static RouteGroupBuilder MapTrainingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/catalogue/trainings", (ServiceCatalogue catalogue) => TypedResults.Ok(catalogue.Trainings))
            .WithTags("Catalogue")
            .WithSummary("Trainings catalogue items may require: {trainingId, name, nameEn, validMonths}.")
            .Produces<IReadOnlyList<TrainingKind>>();
        api.MapPost("/volunteers/{volunteerId}/trainings", Add)
            .WithTags("Volunteers")
            .WithSummary("Records a completed training: {name (a training id or name), completedOn (yyyy-MM-dd), certificate?}. Coordinators of the volunteer's district, operators.")
            .Produces<VolunteerDto>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Add(string volunteerId, TrainingBody body, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        var v = new Validation();
        var name = v.Text("name", body.Name, 50);
        var kind = catalogue.Trainings.FirstOrDefault(k => k.TrainingId == name || k.Name == name || string.Equals(k.NameEn, name, StringComparison.OrdinalIgnoreCase));
        if (name.Length > 0 && kind is null)
        {
            v.Add("name", "可选值 / One of: " + string.Join(", ", catalogue.Trainings.Select(k => $"{k.TrainingId} ({k.Name})")));
        }

        if (!DateOnly.TryParseExact(body.CompletedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var completedOn))
        {
            v.Add("completedOn", "格式 yyyy-MM-dd / A date as yyyy-MM-dd");
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

        var outcome = await grains.GetGrain<IVolunteerGrain>(volunteerId).AddTraining(new Training(kind!.TrainingId, completedOn, certificate));
        return outcome.ToOk(VolunteerDto.From);
    }
}
