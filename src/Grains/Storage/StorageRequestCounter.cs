using Azure.Core;
using Azure.Core.Pipeline;

namespace Boai.Orleans.Storage;

/// <summary>
/// Counts every request a table client sends (retries included) as a transaction (<c>$batch</c>), a write or a read,
/// into <see cref="Telemetry"/>: what a check-in costs in storage requests, and on real Azure in billed transactions.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    public static StorageRequestCounter Instance { get; } = new();

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var kind = request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) ? "transaction"
            : request.Method == RequestMethod.Get ? "read"
            : "write";
        Telemetry.StorageRequest(kind);
    }
}
