using Azure.Data.Tables;
using Boai.Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Boai.Orleans.Dashboard.Storage;

public static class StorageServices
{
    /// <summary>The table service the dashboard writes its audit to and checks readiness against.</summary>
    public static IServiceCollection AddDashboardStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetStorageSettings();
        services.TryAddSingleton(storage);
        // A host that wires the table service differently (a managed identity) registers its own first.
        services.TryAddSingleton(_ => new TableServiceClient(storage.ConnectionString));
        return services;
    }
}
