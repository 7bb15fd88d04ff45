using System.Threading.Channels;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// One attributable act: who (subject and role) did what (a full-file read or a change, by route and object ids),
/// when, and how it ended. Holds no personal data: ids and route templates only.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Sub,
    string Role,
    string Action,
    string Method,
    string Route,
    string ObjectId,
    int Status,
    string? TraceId);

/// <summary>
/// Takes audit entries without making the request wait for storage: a bounded queue drained by
/// <see cref="AuditWriter"/>. When the queue is full the request waits rather than drop an entry.
/// </summary>
public sealed class AuditLog
{
    public const string Read = "read";
    public const string Change = "change";

    private readonly Channel<AuditEntry> _queue = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    public ValueTask RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default) => _queue.Writer.WriteAsync(entry, cancellationToken);

    internal ChannelReader<AuditEntry> Reader => _queue.Reader;

    internal void Complete() => _queue.Writer.TryComplete();
}

/// <summary>Endpoint metadata: a successful GET of this endpoint is a read of a full file, and is audited.</summary>
public sealed class AuditedRead
{
    public static readonly AuditedRead Instance = new();

    private AuditedRead()
    {
    }
}
