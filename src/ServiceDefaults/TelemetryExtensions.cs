using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Boai.Orleans.Hosting;

/// <summary>
/// OpenTelemetry metrics of every host: the service's meter (<see cref="Telemetry.MeterName"/>) and Orleans' own
/// (<c>Microsoft.Orleans</c>: activations per grain type, messages, silo health). They go to an OTLP collector when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the dashboard host also serves them to Prometheus at <c>/metrics</c>.
/// </summary>
public static class TelemetryExtensions
{
    public const string OrleansMeterName = "Microsoft.Orleans";

    public static IHostApplicationBuilder AddBoaiTelemetry(this IHostApplicationBuilder builder, string serviceName, Action<MeterProviderBuilder>? configure = null)
    {
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.MeterName, OrleansMeterName);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                configure?.Invoke(metrics);
            });
        return builder;
    }
}
