using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Boai.Orleans.Hosting;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>The silo's working set after one step of activations.</summary>
public sealed record MemoryStep(int Grains, long RssBeforeBytes, long RssAfterBytes, double Seconds, int? ActivationsAfter, int Failed)
{
    public double BytesPerGrain => (RssAfterBytes - RssBeforeBytes) / (double)Grains;

    public double ActivationsPerSecond => Seconds > 0 ? Grains / Seconds : 0;
}

/// <summary>
/// Activates volunteer grains from an Orleans client of the silo with a cheap call (<c>Get</c>, which reads the
/// grain's state once: these volunteers have no stored record) and reads the silo process's working set (VmRSS).
/// </summary>
public static class MemoryProbe
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<MemoryStep>> RunAsync(BenchOptions o, Action<string> log)
    {
        if (o.SiloPid is not { } pid)
        {
            return [];
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Localhost",
            // bench.sh starts the silo in the Demo environment, listening on localhost without TLS: so does this client.
            ["Cluster:Tls:AllowPlaintext"] = "true",
            ["Cluster:GatewayPort"] = o.GatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddBoaiClusterClient();
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);

        var steps = new List<MemoryStep>();
        var activated = 0;
        foreach (var total in o.MemoryGrains)
        {
            await Task.Delay(Settle);
            var before = Rss(pid);
            var started = Stopwatch.GetTimestamp();
            log($"activating volunteer grains {activated:N0} → {total:N0}");
            var failed = 0;
            await Parallel.ForEachAsync(
                Enumerable.Range(activated, total - activated),
                new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency },
                async (i, cancellationToken) =>
                {
                    // A storage timeout under load is tried again; a grain that never activates is counted, not hidden.
                    for (var attempt = 0; ; attempt++)
                    {
                        try
                        {
                            await grains.GetGrain<IVolunteerGrain>($"mem-{i:D7}").Get();
                            return;
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException && attempt < 3)
                        {
                            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException)
                        {
                            Interlocked.Increment(ref failed);
                            return;
                        }
                    }
                });
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.Delay(Settle);
            int? activations = null;
            try
            {
                activations = await management.GetTotalActivationCount();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                log($"activation count unavailable: {ex.Message}");
            }

            steps.Add(new MemoryStep(total - activated, before, Rss(pid), seconds, activations, failed));
            activated = total;
        }

        await host.StopAsync();
        return steps;
    }

    /// <summary>VmRSS of a process, in bytes.</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS");
    }

    /// <summary>The silo's GC settings: its runtimeconfig.json (unset means workstation, concurrent) and DOTNET_GC* variables.</summary>
    public static string GcSettings(string? runtimeConfig, int? pid)
    {
        var server = false;
        var concurrent = true;
        string? other = null;
        if (runtimeConfig is not null && File.Exists(runtimeConfig))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(runtimeConfig));
            if (doc.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var props))
            {
                foreach (var p in props.EnumerateObject().Where(x => x.Name.StartsWith("System.GC.", StringComparison.Ordinal)))
                {
                    switch (p.Name)
                    {
                        case "System.GC.Server": server = p.Value.GetBoolean(); break;
                        case "System.GC.Concurrent": concurrent = p.Value.GetBoolean(); break;
                        default: other = (other is null ? "" : other + ", ") + $"{p.Name}={p.Value}"; break;
                    }
                }
            }
        }

        var gcEnv = pid is { } id && File.Exists($"/proc/{id}/environ")
            ? File.ReadAllText($"/proc/{id}/environ").Split('\0').Where(k => k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase)).ToList()
            : [];
        return $"{(server ? "server" : "workstation")} GC, {(concurrent ? "concurrent" : "non-concurrent")}"
            + (other is null ? "" : $", {other}")
            + (gcEnv.Count == 0 ? "" : $", environment {string.Join(", ", gcEnv)}");
    }

    /// <summary>The process's command line, to check the pid is the silo.</summary>
    public static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
}
