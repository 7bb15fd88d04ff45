using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Boai.Orleans.Testing;

/// <summary>
/// A real Azurite (the repository's pinned one, from <c>node_modules</c>) on free loopback ports, persisting to its
/// own temporary folder on disk, so a test can stop and start it and find its data again.
/// </summary>
/// <remarks>
/// Share one per test collection: xunit only reads collection definitions from the test assembly, so each test
/// project declares its own, e.g.
/// <code>
/// [CollectionDefinition(AzuriteCollection.Name)]
/// public sealed class AzuriteCollectionDefinition : ICollectionFixture&lt;AzuriteFixture&gt;;
/// </code>
/// and marks its test classes <c>[Collection(AzuriteCollection.Name)]</c>.
/// </remarks>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's development account; its key is the one Microsoft publishes for Azurite, not a secret.</summary>
    public const string AccountName = "devstoreaccount1";

    // Azurite's published development account key (see "Well-known storage account and key" in the Azurite docs).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly string dataFolder = Directory.CreateTempSubdirectory("boai-azurite-").FullName;
    private readonly StringBuilder output = new();
    private readonly Lock outputLock = new();
    private Process? process;
    private (int Blob, int Queue, int Table) ports;

    /// <summary>A connection string with explicit endpoints to this Azurite.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};"
        + $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public Uri BlobEndpoint => Endpoint(ports.Blob);

    public Uri QueueEndpoint => Endpoint(ports.Queue);

    public Uri TableEndpoint => Endpoint(ports.Table);

    /// <summary>What Azurite wrote to stdout and stderr so far, to tell why a test failed.</summary>
    public string Output
    {
        get
        {
            lock (outputLock)
            {
                return output.ToString();
            }
        }
    }

    public Task InitializeAsync() => StartAsync();

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(dataFolder, recursive: true);
    }

    /// <summary>Starts Azurite (again) on the same ports and data folder, and waits until its table endpoint answers.</summary>
    public async Task StartAsync()
    {
        if (process is not null)
        {
            return;
        }

        if (ports.Table == 0)
        {
            ports = FreePorts();
        }

        var start = new ProcessStartInfo(FindAzurite())
        {
            WorkingDirectory = dataFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--location", dataFolder, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", Port(ports.Blob),
            "--queueHost", "127.0.0.1", "--queuePort", Port(ports.Queue),
            "--tableHost", "127.0.0.1", "--tablePort", Port(ports.Table),
        })
        {
            start.ArgumentList.Add(argument);
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilTableEndpointAnswersAsync(process);
    }

    /// <summary>Stops Azurite gracefully (it saves its database on the way out), keeping the data folder.</summary>
    public async Task StopAsync()
    {
        if (process is null)
        {
            return;
        }

        using var stopping = process;
        process = null;

        // SIGTERM lets Azurite flush its table database, which it otherwise only saves every few seconds.
        await ChildProcess.StopGracefullyAsync(stopping);
    }

    /// <summary>Stops and starts Azurite on the same ports and data folder, as a storage outage or restart would.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task WaitUntilTableEndpointAnswersAsync(Process started)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (started.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {started.ExitCode} while starting. Its output:\n{Output}");
            }

            try
            {
                // Any HTTP answer (Azurite refuses an unsigned request) means the endpoint is listening.
                using var response = await http.GetAsync(new Uri($"{TableEndpoint}/Tables"));
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < StartTimeout)
            {
            }
            catch (TaskCanceledException) when (deadline.Elapsed < StartTimeout)
            {
            }

            if (deadline.Elapsed >= StartTimeout)
            {
                throw new TimeoutException($"Azurite's table endpoint {TableEndpoint} did not answer within {StartTimeout}. Its output:\n{Output}");
            }

            await Task.Delay(PollInterval);
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (outputLock)
        {
            output.AppendLine(line);
        }
    }

    private static string FindAzurite()
    {
        var root = RepositoryRoot.Find();
        var azurite = Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        return File.Exists(azurite)
            ? azurite
            : throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` (./test.sh does) in {root}.");
    }

    /// <summary>Three distinct free loopback ports, held together while chosen so they differ.</summary>
    private static (int Blob, int Queue, int Table) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var chosen = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (chosen[0], chosen[1], chosen[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static Uri Endpoint(int port) => new($"http://127.0.0.1:{Port(port)}/{AccountName}");

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
