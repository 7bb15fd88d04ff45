using System.Globalization;
using Azure.Data.Tables;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// Writes audit entries to the audit table (<see cref="BoaiTableOptions.AuditTable"/>): one partition per UTC day, rows
/// ordered by time. Retries while storage is down; an entry it finally cannot write is logged whole (it holds no
/// personal data), never dropped silently. Drains the queue on shutdown.
/// </summary>
public sealed partial class AuditWriter(AuditLog audit, BoaiTables tables, ILogger<AuditWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 100;
    private const int MaxAttempts = 6;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        audit.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntry>(MaxBatch);
        // Not stoppingToken: after a stop the queue is completed and drained, so entries taken are still written.
        while (await audit.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && audit.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            foreach (var day in batch.GroupBy(PartitionOf))
            {
                await WriteAsync(day.Key, [.. day], stoppingToken);
            }
        }
    }

    internal static string PartitionOf(AuditEntry entry) => entry.At.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private async Task WriteAsync(string partition, List<AuditEntry> entries, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                var table = await tables.Audit;
                var actions = entries.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partition, e)));
                await table.SubmitTransactionAsync(actions, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (attempt < MaxAttempts)
            {
                LogRetry(logger, ex, entries.Count, attempt);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: one last attempt without waiting.
                }

                delay *= 2;
            }
            catch (Exception ex)
            {
                foreach (var e in entries)
                {
                    LogLost(logger, ex, e.At, e.Sub, e.Role, e.Action, e.Method, e.Route, e.ObjectId, e.Status);
                }
            }
        }
    }

    private static TableEntity ToEntity(string partition, AuditEntry e) => new(partition, $"{e.At.UtcTicks:D19}-{Guid.NewGuid():N}")
    {
        ["At"] = e.At,
        ["Sub"] = e.Sub,
        ["Role"] = e.Role,
        ["Action"] = e.Action,
        ["Method"] = e.Method,
        ["Route"] = e.Route,
        ["ObjectId"] = e.ObjectId,
        ["Status"] = e.Status,
        ["TraceId"] = e.TraceId,
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Writing {Count} audit entries failed (attempt {Attempt}); retrying.")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "Audit entry NOT written: at {At:o} sub {Sub} role {Role} {Action} {Method} {Route} {ObjectId} status {Status}")]
    private static partial void LogLost(
        ILogger logger, Exception exception, DateTimeOffset at, string sub, string role, string action, string method, string route, string objectId, int status);
}
