using Boai.Orleans.Catalogue;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// The trainings catalogue items may require (陪同就医 requires 急救培训): suggestions, the district plan and order offers
/// leave out volunteers without a valid one (<see cref="Rules.TrainingRules"/>). Trainings are recorded with
/// <c>POST /api/v1/volunteers/{volunteerId}/trainings</c>.
/// </summary>
public static class TrainingsApi
{
    public static RouteGroupBuilder MapTrainingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/catalogue/trainings", (ServiceCatalogue catalogue) => TypedResults.Ok(catalogue.Trainings))
            .WithTags("Catalogue")
            .WithSummary("Trainings catalogue items may require: {trainingId, name, nameEn, validMonths}; a recorded training counts by its id or name.")
            .Produces<IReadOnlyList<TrainingKind>>();
        return api;
    }
}
