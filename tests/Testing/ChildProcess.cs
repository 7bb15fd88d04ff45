using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Boai.Orleans.Testing;

/// <summary>Stopping a server the tests started (Azurite) the way an operator would.</summary>
public static class ChildProcess
{
    private const int SigTerm = 15;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends SIGTERM, so the server saves its data on the way out, and waits for it to exit; kills the process tree
    /// where the signal cannot be sent or the server does not exit within 10 seconds.
    /// </summary>
    public static async Task StopGracefullyAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || SendSignal(process.Id, SigTerm) != 0)
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
