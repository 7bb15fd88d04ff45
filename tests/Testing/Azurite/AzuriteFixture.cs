using System.Diagnostics;
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

    // A bound on Node starting Azurite, not on the code under test: on a loaded two-core machine (parallel test
    // projects, each with its own Azurite and silos) it has taken over 30 s.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

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

    /// <summary>
    /// Starts Azurite, and waits until it says its table service (the last it starts) listens. The first start lets
    /// Azurite bind port 0 and reads the ports it got from its own output: choosing free ports here and handing them
    /// over would leave a window in which another test process (tests run in parallel) binds one of them, and a
    /// readiness poll could then be answered by that other server. A restart binds the same ports again, so clients
    /// keep their connection string.
    /// </summary>
    public async Task StartAsync()
    {
        if (process is not null)
        {
            return;
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

        var listening = new Listening();
        var started = new Process { StartInfo = start };
        started.OutputDataReceived += (_, e) =>
        {
            Capture(e.Data);
            listening.Read(e.Data);
        };
        started.ErrorDataReceived += (_, e) => Capture(e.Data);
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        try
        {
            ports = await listening.Ready.WaitAsync(StartTimeout);
            process = started;
        }
        catch (TimeoutException)
        {
            await ChildProcess.StopGracefullyAsync(started);
            started.Dispose();
            throw new TimeoutException($"Azurite did not say its services listen within {StartTimeout}. Its output:\n{Output}");
        }
        catch (InvalidOperationException)
        {
            await started.WaitForExitAsync();
            var code = started.ExitCode;
            started.Dispose();
            throw new InvalidOperationException($"Azurite exited with code {code} while starting. Its output:\n{Output}");
        }
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

    private static Uri Endpoint(int port) => new($"http://127.0.0.1:{Port(port)}/{AccountName}");

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads Azurite's start-up lines ("Azurite Blob service is successfully listening at http://127.0.0.1:PORT")
    /// into the ports it bound; ready once all three listen, failed if it exits first.
    /// </summary>
    private sealed partial class Listening
    {
        private readonly TaskCompletionSource<(int Blob, int Queue, int Table)> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int blob;
        private int queue;

        public Task<(int Blob, int Queue, int Table)> Ready => ready.Task;

        public void Read(string? line)
        {
            if (line is null)
            {
                // Standard output closed: Azurite exited before it listened.
                ready.TrySetException(new InvalidOperationException("Azurite exited while starting."));
                return;
            }

            var match = ListeningLine().Match(line);
            if (!match.Success)
            {
                return;
            }

            var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            switch (match.Groups["service"].Value)
            {
                case "Blob":
                    blob = port;
                    break;
                case "Queue":
                    queue = port;
                    break;
                default:
                    // Azurite starts blob, queue and table one after another: table listening means all three do.
                    ready.TrySetResult((blob, queue, port));
                    break;
            }
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^:]+:(?<port>\d+)")]
        private static partial System.Text.RegularExpressions.Regex ListeningLine();
    }
}
