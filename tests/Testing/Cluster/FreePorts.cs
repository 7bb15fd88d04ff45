using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Boai.Orleans.Testing;

/// <summary>
/// Ports for servers a test starts itself (silo, gateway, metrics), taken below the kernel's ephemeral range.
/// </summary>
/// <remarks>
/// A port is handed over free and bound by the server a moment later. Taken from the ephemeral range (bind to port 0),
/// that moment is a race with every outgoing connection on the machine, which draws its local port from the same range:
/// with test projects running in parallel, each talking to its own Azurite, a silo failed to bind its port
/// ("Address already in use"). Below the range only another server's choice can collide, so ports are drawn at random
/// there, checked on every address, and never handed out twice by one process.
/// </remarks>
public static class FreePorts
{
    private const int Lowest = 10_000;

    private static readonly HashSet<int> Handed = [];
    private static readonly Lock HandedLock = new();

    /// <summary>Ports free right now, all distinct, none handed out before by this process.</summary>
    public static int[] Take(int count)
    {
        var below = EphemeralRangeStart();
        var chosen = new List<int>(count);
        var held = new List<TcpListener>(count);
        try
        {
            lock (HandedLock)
            {
                for (var attempt = 0; chosen.Count < count; attempt++)
                {
                    if (attempt > 10_000)
                    {
                        throw new InvalidOperationException($"No free port between {Lowest} and {below}.");
                    }

                    var port = Random.Shared.Next(Lowest, below);
                    if (Handed.Contains(port) || TryHold(port) is not { } listener)
                    {
                        continue;
                    }

                    held.Add(listener);
                    chosen.Add(port);
                    Handed.Add(port);
                }
            }

            return [.. chosen];
        }
        finally
        {
            held.ForEach(l => l.Stop());
        }
    }

    private static TcpListener? TryHold(int port)
    {
        // Bound on every address, so a port anything holds on any address is refused.
        var listener = new TcpListener(IPAddress.Any, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Stop();
            return null;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux: ip_local_port_range), 32768 when unknown.</summary>
    private static int EphemeralRangeStart()
    {
        const string rangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var start = 32_768;
        if (File.Exists(rangeFile)
            && File.ReadAllText(rangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [var first, ..]
            && int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            start = parsed;
        }

        return start > Lowest + 1_000 ? start : 32_768;
    }
}
