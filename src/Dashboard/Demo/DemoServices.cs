namespace Boai.Orleans.Dashboard.Demo;

public static class DemoServices
{
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(DemoOptions.SectionName);
        services.AddOptions<DemoOptions>().Bind(section);
        var demo = section.Get<DemoOptions>() ?? new DemoOptions();
        if (demo.Seed || demo.Simulate)
        {
            // The simulator plays on the seeded households, so it seeds (idempotently) first.
            services.AddSingleton<DemoSeeder>();
            services.AddHostedService(sp => sp.GetRequiredService<DemoSeeder>());
        }

        if (demo.Simulate)
        {
            services.AddHostedService<DemoSimulator>();
        }

        return services;
    }
}
