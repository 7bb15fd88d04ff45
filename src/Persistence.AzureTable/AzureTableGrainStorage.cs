using System.Diagnostics;
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
/// Grain storage on Azure Tables: one entity per grain state, PartitionKey = service id and grain id,
/// RowKey = state name (both escaped by <see cref="AzureTableKeys"/>), optimistic concurrency through the
/// entity's ETag.
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
    }

    public static AzureTableGrainStorage Create(IServiceProvider services, string name) =>
        new(
            name,
            services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(name),
            services.GetProviderClusterOptions(name).Value.ServiceId,
            services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<ILogger<AzureTableGrainStorage>>());

    public string TableName => table.Name;

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
        grainState.ETag = await Put("Writing", stateName, grainId, entity, grainState.ETag, cancellationToken).ConfigureAwait(false);
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
                await Run(
                    "Deleting", stateName, grainId, eTag,
                    token => table.DeleteEntityAsync(partitionKey, rowKey, new ETag(eTag), token),
                    cancellationToken).ConfigureAwait(false);
            }

            grainState.ETag = null;
        }
        else
        {
            Log.Operation(logger, "Clearing", stateName, grainId, partitionKey, grainState.ETag, table.Name);
            var entity = GrainStateEntity.Create(partitionKey, rowKey, ReadOnlyMemory<byte>.Empty);
            grainState.ETag = await Put("Clearing", stateName, grainId, entity, grainState.ETag, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Inserts the entity when the grain has no ETag yet, otherwise replaces it if the ETag still matches.</summary>
    private Task<string> Put(string operation, string stateName, GrainId grainId, TableEntity entity, string? eTag, CancellationToken cancellationToken) =>
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
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTimeout(ex))
        {
            Log.OperationTimedOut(logger, operation, stateName, grainId, operationTimeout, table.Name);
            throw new TimeoutException(
                $"{operation} state '{stateName}' of grain {grainId} in table {table.Name} did not complete within {operationTimeout}.", ex);
        }
        catch (RequestFailedException ex) when (IsVersionConflict(ex))
        {
            outcome = "conflict";
            Log.VersionConflict(logger, operation, stateName, grainId, table.Name, ex.Status, eTag);
            var storedETag = ex.Status == 404 ? "none (no record)" : "unknown (another writer changed the record)";
            throw new InconsistentStateException(
                $"{operation} state '{stateName}' of grain {grainId} in table {table.Name}: the stored version is not the one this activation holds (status {ex.Status} {ex.ErrorCode}).",
                storedETag,
                eTag ?? "none",
                ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.OperationFailed(logger, ex, operation, stateName, grainId, table.Name, eTag);
            throw;
        }
        finally
        {
            StorageMetrics.Record(operation, outcome, startedAt);
        }
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

    private (string PartitionKey, string RowKey) Keys(string stateName, GrainId grainId) =>
        (AzureTableKeys.Compose(serviceId, grainId.ToString()), AzureTableKeys.Escape(stateName));

    private T CreateInstance<T>() => activators.GetActivator<T>().Create();
}
