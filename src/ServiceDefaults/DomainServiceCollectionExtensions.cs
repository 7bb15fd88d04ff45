using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Boai.Orleans.Hosting;

public static class DomainServiceCollectionExtensions
{
    /// <summary>The services grains depend on: time, the domain rules' options, the hours ledger.</summary>
    public static IServiceCollection AddBoaiDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
