using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Boai.Orleans.Testing;

/// <summary>
/// A real <c>redis-server</c> (the Debian package <c>./test.sh</c> installs) on a free loopback port, for tests of
/// <c>Cluster:Mode=Redis</c>: several silos and dashboards that find each other as in production. It appends every
/// write to its own temporary folder, so a test can stop and start it (<see cref="RestartAsync"/>) as an operator
/// restarts a persistent Redis, and the cluster's membership is still there.
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("boai-redis-").FullName;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The value of <c>Cluster:RedisConnectionString</c> for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)},abortConnect=false";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePorts.Take(1)[0]);
        await server.LaunchAsync();
        return server;
    }

    /// <summary>Stops the server as an operator would (SIGTERM: it flushes its append-only file), keeping its data.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } stopping)
        {
            return;
        }

        _process = null;
        using (stopping)
        {
            await ChildProcess.StopGracefullyAsync(stopping);
        }
    }

    /// <summary>Stops and starts the server on the same port and data folder.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dataFolder, recursive: true);
    }

    private async Task LaunchAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: ./test.sh installs it (scripts/install-deps.sh --with-redis).");
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _dataFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _dataFolder, "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always",
            "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilItAnswersAsync(process);
    }

    private async Task WaitUntilItAnswersAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (deadline.Elapsed < StartTimeout)
            {
            }
            catch (IOException) when (deadline.Elapsed < StartTimeout)
            {
            }

            if (deadline.Elapsed >= StartTimeout)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within {StartTimeout}:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    private string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_outputLock)
            {
                _output.AppendLine(line);
            }
        }
    }
}
