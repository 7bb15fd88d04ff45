using System.Net;
using System.Net.Sockets;

namespace Boai.Orleans.Testing;

public static class FreePorts
{
    /// <summary>Loopback ports free right now, all distinct (held open together while they are picked).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
