using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration.Overrides;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>
/// Grain storage on Azure Tables: one entity per grain state, optimistic concurrency through the entity's ETag.
/// By default PartitionKey = service id and grain id, RowKey = state name. With
/// <see cref="AzureTableStorageOptions.BatchPartitions"/> above 0, PartitionKey = service id, grain type and a
/// bucket (stable hash of the grain id), RowKey = grain id and state name, and writes of different grains to one
/// bucket are group-committed by <see cref="GrainStateBatcher"/>. Keys are escaped by <see cref="AzureTableKeys"/>.
/// </summary>
internal sealed class AzureTableGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string name;
    private readonly AzureTableStorageOptions options;
    private readonly string serviceId;
    private readonly IActivatorProvider activators;
    private readonly ILogger logger;
    private readonly TableClient table;
    private readonly TimeSpan operationTimeout;
    private readonly GrainStateBatcher? batcher;
    private long singleWrites;

    public AzureTableGrainStorage(
        string name,
        AzureTableStorageOptions options,
        string serviceId,
        IActivatorProvider activators,
        ILogger<AzureTableGrainStorage> logger)
    {
        this.name = name;
        this.options = options;
        this.serviceId = serviceId;
        this.activators = activators;
        this.logger = logger;
        table = options.CreateTableClient();
        operationTimeout = options.OperationTimeout
            ?? throw new InvalidOperationException($"{nameof(AzureTableStorageOptions.OperationTimeout)} is set when the options are configured.");
        if (options.BatchPartitions > 0)
        {
            batcher = new GrainStateBatcher(table, operationTimeout, (write, ex) => Failure(write.Operation, write.StateName, write.GrainId, write.ETag, ex));
        }
    }

    /// <summary>
    /// Serialized state above this size is written alone, never in a transaction: a few of them would fill one,
    /// and they are rare enough that sharing gains nothing.
    /// </summary>
    internal const int MaxBatchedStateBytes = 256 * 1024;

    public static AzureTableGrainStorage Create(IServiceProvider services, string name) =>
        new(
            name,
            services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(name),
            services.GetProviderClusterOptions(name).Value.ServiceId,
            services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<ILogger<AzureTableGrainStorage>>());

    public string TableName => table.Name;

    /// <summary>The group commit in use, or null when every write is its own request.</summary>
    internal GrainStateBatcher? Batcher => batcher;

    /// <summary>Writes, clears and deletes sent as a request of their own (not in a transaction).</summary>
    internal long SingleWrites => Interlocked.Read(ref singleWrites);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        Log.Operation(logger, "Reading", stateName, grainId, partitionKey, grainState.ETag, table.Name);
        var response = await Run(
            "Reading", stateName, grainId, grainState.ETag,
            token => table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: token),
            cancellationToken).ConfigureAwait(false);

        if (!response.HasValue || response.Value is not { } entity)
        {
            grainState.State = CreateInstance<T>();
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        var data = GrainStateEntity.ReadState(entity);
        if (data.Length > 0 && Deserialize<T>(data, stateName, grainId) is { } state)
        {
            grainState.State = state;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = CreateInstance<T>();
            grainState.RecordExists = false;
        }

        grainState.ETag = entity.ETag.ToString();
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        Log.Operation(logger, "Writing", stateName, grainId, partitionKey, grainState.ETag, table.Name);
        var data = options.GrainStorageSerializer.Serialize(grainState.State).ToMemory();
        if (data.Length > GrainStateEntity.MaxStateBytes)
        {
            Log.StateTooLarge(logger, stateName, grainId, data.Length, GrainStateEntity.MaxStateBytes);
            throw new GrainStateTooLargeException(grainId.ToString(), stateName, data.Length, GrainStateEntity.MaxStateBytes);
        }

        var entity = GrainStateEntity.Create(partitionKey, rowKey, data);
        grainState.ETag = await Put("Writing", stateName, grainId, entity, data.Length, grainState.ETag, cancellationToken).ConfigureAwait(false);
        grainState.RecordExists = true;
    }

    /// <remarks>
    /// By default writes an entity without state, so the ETag chain goes on and a stale writer is still caught;
    /// with <see cref="AzureTableStorageOptions.DeleteStateOnClear"/> deletes the entity, conditionally on the ETag.
    /// </remarks>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        if (options.DeleteStateOnClear)
        {
            Log.Operation(logger, "Deleting", stateName, grainId, partitionKey, grainState.ETag, table.Name);
            // Without an ETag this activation never saw a record, so there is nothing of its own to delete.
            if (grainState.ETag is { } eTag)
            {
                if (batcher is null)
                {
                    Interlocked.Increment(ref singleWrites);
                    await Run(
                        "Deleting", stateName, grainId, eTag,
                        token => table.DeleteEntityAsync(partitionKey, rowKey, new ETag(eTag), token),
                        cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var keys = new TableEntity(partitionKey, rowKey);
                    var action = new TableTransactionAction(TableTransactionActionType.Delete, keys, new ETag(eTag));
                    await Batch(new BatchedWrite("Deleting", stateName, grainId, eTag, action, EstimateBytes(keys, 0)), cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            grainState.ETag = null;
        }
        else
        {
            Log.Operation(logger, "Clearing", stateName, grainId, partitionKey, grainState.ETag, table.Name);
            var entity = GrainStateEntity.Create(partitionKey, rowKey, ReadOnlyMemory<byte>.Empty);
            grainState.ETag = await Put("Clearing", stateName, grainId, entity, 0, grainState.ETag, cancellationToken).ConfigureAwait(false);
        }

        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<AzureTableGrainStorage>(name), options.InitStage, InitializeAsync);

    /// <summary>Creates the table if it is missing.</summary>
    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Log.Initializing(logger, name, table.Name);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Log.Initialized(logger, name, table.Name, stopwatch.ElapsedMilliseconds);
        }
        catch (Exception ex)
        {
            Log.InitializationFailed(logger, ex, name, table.Name);
            throw;
        }
    }

    /// <summary>
    /// Inserts the entity when the grain has no ETag yet, otherwise replaces it if the ETag still matches; in a
    /// shared transaction when batching is on and the state is not large.
    /// </summary>
    private async Task<string> Put(
        string operation, string stateName, GrainId grainId, TableEntity entity, int stateBytes, string? eTag, CancellationToken cancellationToken)
    {
        if (batcher is null || stateBytes > MaxBatchedStateBytes)
        {
            Interlocked.Increment(ref singleWrites);
            return await PutAlone(operation, stateName, grainId, entity, eTag, cancellationToken).ConfigureAwait(false);
        }

        var action = eTag is null
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(eTag));
        return await Batch(new BatchedWrite(operation, stateName, grainId, eTag, action, EstimateBytes(entity, stateBytes)), cancellationToken)
                .ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Table {table.Name} answered {operation} without an ETag.");
    }

    /// <summary>
    /// Waits for the transaction that carries <paramref name="write"/>, at most the operation timeout in all
    /// (queueing included), like a write of its own.
    /// </summary>
    private async Task<string?> Batch(BatchedWrite write, CancellationToken cancellationToken)
    {
        var batch = batcher ?? throw new InvalidOperationException("Batching is off.");
        var startedAt = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var eTag = await batch.WriteAsync(write).WaitAsync(operationTimeout, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
            return eTag;
        }
        catch (TimeoutException ex) when (!write.Result.Task.IsCompleted)
        {
            throw Failure(write.Operation, write.StateName, write.GrainId, write.ETag, new OperationCanceledException(ex.Message, ex));
        }
        catch (Exception ex)
        {
            outcome = Outcome(ex);
            throw;
        }
        finally
        {
            // Queueing included: what the grain waited for.
            StorageMetrics.Record(write.Operation, outcome, startedAt);
        }
    }

    /// <summary>
    /// Request bytes an action adds to a transaction: binary travels as base64 (4/3), plus keys and the
    /// per-action headers of the multipart body.
    /// </summary>
    private static int EstimateBytes(TableEntity entity, int stateBytes) =>
        (stateBytes / 3 * 4) + (2 * (entity.PartitionKey.Length + entity.RowKey.Length)) + 1024;

    private Task<string> PutAlone(string operation, string stateName, GrainId grainId, TableEntity entity, string? eTag, CancellationToken cancellationToken) =>
        Run(
            operation, stateName, grainId, eTag,
            async token =>
            {
                var response = eTag is null
                    ? await table.AddEntityAsync(entity, token).ConfigureAwait(false)
                    : await table.UpdateEntityAsync(entity, new ETag(eTag), TableUpdateMode.Replace, token).ConfigureAwait(false);
                return response.Headers.ETag?.ToString()
                    ?? throw new InvalidOperationException($"Table {table.Name} answered {operation} without an ETag.");
            },
            cancellationToken);

    /// <summary>
    /// Runs one storage call under the provider's deadline and turns Azure's answers into what Orleans expects:
    /// a version mismatch becomes <see cref="InconsistentStateException"/>, a missed deadline <see cref="TimeoutException"/>.
    /// </summary>
    private async Task<TResult> Run<TResult>(
        string operation, string stateName, GrainId grainId, string? eTag, Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(operationTimeout);
        var startedAt = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await call(deadline.Token).ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested || ex is not OperationCanceledException)
        {
            var failure = Failure(operation, stateName, grainId, eTag, ex);
            outcome = Outcome(failure);
            if (ReferenceEquals(failure, ex))
            {
                throw;
            }

            throw failure;
        }
        finally
        {
            StorageMetrics.Record(operation, outcome, startedAt);
        }
    }

    /// <summary>The outcome a failed call is recorded with in <see cref="StorageMetrics"/>.</summary>
    private static string Outcome(Exception failure) => failure is InconsistentStateException ? "conflict" : "error";

    /// <summary>
    /// What a failed storage call throws (and logs): a missed deadline becomes <see cref="TimeoutException"/>, a
    /// version mismatch <see cref="InconsistentStateException"/>, anything else stays as it is.
    /// </summary>
    private Exception Failure(string operation, string stateName, GrainId grainId, string? eTag, Exception ex)
    {
        if (IsTimeout(ex))
        {
            Log.OperationTimedOut(logger, operation, stateName, grainId, operationTimeout, table.Name);
            return new TimeoutException(
                $"{operation} state '{stateName}' of grain {grainId} in table {table.Name} did not complete within {operationTimeout}.", ex);
        }

        if (ex is RequestFailedException failed && IsVersionConflict(failed))
        {
            Log.VersionConflict(logger, operation, stateName, grainId, table.Name, failed.Status, eTag);
            var storedETag = failed.Status == 404 ? "none (no record)" : "unknown (another writer changed the record)";
            return new InconsistentStateException(
                $"{operation} state '{stateName}' of grain {grainId} in table {table.Name}: the stored version is not the one this activation holds (status {failed.Status} {failed.ErrorCode}).",
                storedETag,
                eTag ?? "none",
                ex);
        }

        Log.OperationFailed(logger, ex, operation, stateName, grainId, table.Name, eTag);
        return ex;
    }

    /// <summary>Our deadline passed, or every try the SDK made ran into its network timeout.</summary>
    private static bool IsTimeout(Exception ex) =>
        ex is OperationCanceledException
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.All(inner => inner is OperationCanceledException));

    /// <summary>409: inserted over an existing record; 412: the ETag moved on; 404: the record was deleted (not the table).</summary>
    private static bool IsVersionConflict(RequestFailedException ex) =>
        ex.Status is 409 or 412 || (ex.Status == 404 && ex.ErrorCode != TableErrorCode.TableNotFound.ToString());

    private T? Deserialize<T>(byte[] data, string stateName, GrainId grainId)
    {
        try
        {
            return options.GrainStorageSerializer.Deserialize<T>(new BinaryData(data));
        }
        catch (Exception ex)
        {
            Log.DeserializationFailed(logger, ex, stateName, grainId, table.Name, typeof(T).FullName ?? typeof(T).Name);
            throw;
        }
    }

    /// <summary>Where the state <paramref name="stateName"/> of <paramref name="grainId"/> is stored in this provider's layout.</summary>
    internal (string PartitionKey, string RowKey) Keys(string stateName, GrainId grainId) =>
        options.BatchPartitions > 0
            ? (AzureTableKeys.Compose(serviceId, grainId.Type.ToString() ?? string.Empty, Bucket(grainId, options.BatchPartitions)),
               AzureTableKeys.Compose(grainId.ToString(), stateName))
            : (AzureTableKeys.Compose(serviceId, grainId.ToString()), AzureTableKeys.Escape(stateName));

    /// <summary>
    /// The bucket of a grain: FNV-1a of its id's UTF-8 bytes, modulo <paramref name="partitions"/>. Stable across
    /// processes and .NET versions, unlike <see cref="string.GetHashCode()"/>, so a grain is found where it was written.
    /// </summary>
    internal static string Bucket(GrainId grainId, int partitions)
    {
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(grainId.ToString()))
        {
            hash = unchecked((hash ^ b) * prime);
        }

        return (hash % (uint)partitions).ToString("D3", CultureInfo.InvariantCulture);
    }

    private T CreateInstance<T>() => activators.GetActivator<T>().Create();
}
