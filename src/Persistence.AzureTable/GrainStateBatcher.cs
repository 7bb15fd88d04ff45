using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>
/// Group commit of grain-state writes, one queue per partition: the first write to an idle partition is sent at
/// once as a transaction of its own; writes to that partition arriving while it is in flight wait and go together
/// in the next entity-group transaction. No timer, so an idle partition adds no latency.
/// </summary>
/// <remarks>
/// A transaction is all or nothing. When one action's precondition fails (its ETag moved on, or it inserts over an
/// existing row), only that writer is refused; the others did not happen and are sent again without it, so no
/// writer ever fails because of another grain's conflict.
/// </remarks>
internal sealed class GrainStateBatcher(TableClient table, TimeSpan operationTimeout, Func<BatchedWrite, Exception, Exception> failure)
{
    /// <summary>Azure's cap on actions in one entity-group transaction.</summary>
    public const int MaxActions = 100;

    /// <summary>Estimated request bytes one transaction may carry: well under Azure's 4 MiB payload cap.</summary>
    public const int TransactionBudgetBytes = 2 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Partition> partitions = new(StringComparer.Ordinal);
    private long transactions;
    private long committedActions;

    /// <summary>Transactions committed so far.</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Actions (writes, clears, deletes) committed in those transactions.</summary>
    public long CommittedActions => Interlocked.Read(ref committedActions);

    /// <summary>Queues <paramref name="write"/>; the task gives its new ETag (null after a delete) or its own failure.</summary>
    public Task<string?> WriteAsync(BatchedWrite write)
    {
        var partition = partitions.GetOrAdd(write.Action.Entity.PartitionKey, _ => new Partition());
        bool start;
        lock (partition)
        {
            partition.Waiting.Add(write);
            start = !partition.Writing;
            partition.Writing = true;
        }

        if (start)
        {
            // Off the calling grain's scheduler: the loop serves every grain of the partition.
            _ = Task.Run(() => DrainAsync(partition));
        }

        return write.Result.Task;
    }

    private async Task DrainAsync(Partition partition)
    {
        while (true)
        {
            List<BatchedWrite> batch;
            lock (partition)
            {
                batch = Take(partition.Waiting);
                if (batch.Count == 0)
                {
                    partition.Writing = false;
                    return;
                }
            }

            await CommitAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The next transaction, in arrival order: up to <see cref="MaxActions"/> and <see cref="TransactionBudgetBytes"/>,
    /// each row at most once (Azure refuses a transaction touching a row twice; a second write of a row waits).
    /// </summary>
    private static List<BatchedWrite> Take(List<BatchedWrite> waiting)
    {
        var batch = new List<BatchedWrite>();
        var rows = new HashSet<string>(StringComparer.Ordinal);
        var bytes = 0;
        for (var i = 0; i < waiting.Count && batch.Count < MaxActions;)
        {
            var write = waiting[i];
            if (batch.Count > 0 && bytes + write.EstimatedBytes > TransactionBudgetBytes)
            {
                break;
            }

            if (!rows.Add(write.Action.Entity.RowKey))
            {
                i++;
                continue;
            }

            batch.Add(write);
            bytes += write.EstimatedBytes;
            waiting.RemoveAt(i);
        }

        return batch;
    }

    private async Task CommitAsync(List<BatchedWrite> batch)
    {
        while (batch.Count > 0)
        {
            using var deadline = new CancellationTokenSource(operationTimeout);
            try
            {
                var response = await table.SubmitTransactionAsync(batch.Select(w => w.Action), deadline.Token).ConfigureAwait(false);
                Interlocked.Increment(ref transactions);
                Interlocked.Add(ref committedActions, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(response.Value[i].Headers.ETag?.ToString());
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is { } index && index >= 0 && index < batch.Count)
            {
                batch[index].Result.TrySetException(failure(batch[index], ex));
                batch.RemoveAt(index);
            }
            catch (Exception ex)
            {
                foreach (var write in batch)
                {
                    write.Result.TrySetException(failure(write, ex));
                }

                return;
            }
        }
    }

    private sealed class Partition
    {
        public List<BatchedWrite> Waiting { get; } = [];

        public bool Writing { get; set; }
    }
}

/// <summary>One grain's write waiting for a transaction, with what its own result and error message need.</summary>
internal sealed class BatchedWrite(string operation, string stateName, GrainId grainId, string? eTag, TableTransactionAction action, int estimatedBytes)
{
    public string Operation { get; } = operation;

    public string StateName { get; } = stateName;

    public GrainId GrainId { get; } = grainId;

    public string? ETag { get; } = eTag;

    public TableTransactionAction Action { get; } = action;

    public int EstimatedBytes { get; } = estimatedBytes;

    public TaskCompletionSource<string?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
