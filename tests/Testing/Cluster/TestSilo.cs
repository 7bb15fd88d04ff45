using Boai.Orleans.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Boai.Orleans.Testing;

/// <summary>
/// A real silo of the service (<see cref="BoaiHostingExtensions.AddBoaiSilo"/>) in this process, on free ports,
/// with the given shared settings. It can be stopped and started again on the same ports; several can run at once
/// (pass <c>configure</c> to join another silo's cluster).
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<ISiloBuilder>? _configure;
    private IHost? _host;

    public TestSilo(IReadOnlyDictionary<string, string?> sharedSettings, Action<ISiloBuilder>? configure = null)
    {
        var ports = FreePorts.Take(2);
        SiloPort = ports[0];
        GatewayPort = ports[1];
        _configure = configure;
        _settings = new Dictionary<string, string?>(sharedSettings)
        {
            ["Cluster:SiloPort"] = SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IServiceProvider Services => (_host ?? throw new InvalidOperationException("The silo is not running.")).Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestSilo> StartAsync(IReadOnlyDictionary<string, string?> sharedSettings, Action<ISiloBuilder>? configure = null)
    {
        var silo = new TestSilo(sharedSettings, configure);
        await silo.StartAsync();
        return silo;
    }

    public async Task StartAsync()
    {
        if (_host is not null)
        {
            return;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddBoaiSilo(_configure);
        var host = builder.Build();
        await host.StartAsync();
        _host = host;
    }

    public async Task StopAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync();
            host.Dispose();
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
