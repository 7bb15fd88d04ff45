using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Boai.Orleans.Hosting;

/// <summary>Where a silo serves its metrics to Prometheus (section <c>SiloMetrics</c>).</summary>
public sealed class SiloMetricsSettings
{
    public const string SectionName = "SiloMetrics";

    /// <summary>TCP port of <c>GET /metrics</c>; 0 serves none. The silo host's <c>appsettings.json</c> sets 9464.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address it listens on: loopback by default. The endpoint has no sign-in (as Prometheus' exporters), so
    /// open it only to the monitoring network, e.g. the silo's private address.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";
}

/// <summary>
/// A silo's own <c>/metrics</c> (Prometheus text format) on a port of its own: the service's meter and Orleans'
/// (activations per grain type, messages, membership), read from the silo's meter provider. A silo has no other
/// HTTP endpoint, so this small Kestrel server lives beside it and stops with it.
/// </summary>
internal sealed class SiloMetricsEndpoint(IOptions<SiloMetricsSettings> settings, MeterProvider meterProvider) : IHostedService, IAsyncDisposable
{
    public const string Path = "/metrics";

    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = settings.Value;
        if (options.Port <= 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(options.Address), options.Port));
        var server = builder.Build();
        server.MapPrometheusScrapingEndpoint(Path, meterProvider, configureBranchedPipeline: null, optionsName: null);
        await server.StartAsync(cancellationToken);
        _server = server;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }
}
