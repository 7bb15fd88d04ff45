using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Catalogue;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>The service catalogue (服务清单): what a need or an order can ask for.</summary>
public static class CatalogueApi
{
    public static RouteGroupBuilder MapCatalogueApi(this RouteGroupBuilder api)
    {
        var catalogue = api.MapGroup("/catalogue").WithTags("Catalogue").AllowResidents();
        catalogue.MapGet("/", (ServiceCatalogue c) => TypedResults.Ok(c.Items))
            .WithSummary("Catalogue items: [{itemId, category, name, nameEn, defaultFrequency, skills}].");
        catalogue.MapGet("/categories", (ServiceCatalogue c) => TypedResults.Ok(c.Categories))
            .WithSummary("The catalogue's categories (助老, 助幼, 助困, 助残, 助医...).");
        catalogue.MapGet("/skills", (ServiceCatalogue c) => TypedResults.Ok(c.Skills))
            .WithSummary("The skills volunteers and needs are described with.");
        return api;
    }
}
