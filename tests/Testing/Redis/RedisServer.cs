using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Boai.Orleans.Testing;

/// <summary>
/// A real <c>redis-server</c> (the Debian package <c>./test.sh</c> installs) on a free loopback port, in memory only,
/// for tests of <c>Cluster:Mode=Redis</c>: several silos and dashboards that find each other as in production.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private readonly Process _process;

    private RedisServer(int port, Process process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary>The value of <c>Cluster:RedisConnectionString</c> for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: ./test.sh installs it (scripts/install-deps.sh --with-redis).");
        var port = FreePorts.Take(1)[0];
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var server = new RedisServer(port, process);
        process.OutputDataReceived += (_, e) => server.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => server.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilItAnswersAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilItAnswersAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} while starting:\n{Output}");
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
