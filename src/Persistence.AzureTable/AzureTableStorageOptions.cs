using Azure.Core;
using Azure.Data.Tables;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>Options of one named Azure Table grain storage provider.</summary>
public sealed class AzureTableStorageOptions : IStorageProviderSerializerOptions
{
    public const string DefaultTableName = "OrleansGrainState";

    /// <summary>The provider creates its table in this silo lifecycle stage, before grains run.</summary>
    public const int DefaultInitStage = ServiceLifecycleStage.ApplicationServices;

    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c> or an explicit one).</summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>The table service URI, used with <see cref="TokenCredential"/> where no connection string is given.</summary>
    public Uri? ServiceUri { get; set; }

    [Redact]
    public TokenCredential? TokenCredential { get; set; }

    public string TableName { get; set; } = DefaultTableName;

    /// <summary>Delete the entity on ClearStateAsync instead of writing an empty record that keeps the ETag chain.</summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>Client options (retries, timeouts); the provider bounds them by Orleans' response timeout.</summary>
    public TableClientOptions ClientOptions { get; set; } = new();

    /// <summary>
    /// How grain state becomes bytes. When left null the provider uses Orleans' System.Text.Json serializer, so
    /// small state is stored as readable JSON text.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>
    /// The longest one storage call may take, retries included. When left null it is derived from Orleans'
    /// response timeout (90% of it), and it is never allowed above that, so a grain call does not time out while
    /// its storage call is still running.
    /// </summary>
    public TimeSpan? OperationTimeout { get; set; }

    /// <summary>The silo lifecycle stage in which the table is created if missing.</summary>
    public int InitStage { get; set; } = DefaultInitStage;

    /// <summary>The most partitions per grain type that <see cref="BatchPartitions"/> accepts.</summary>
    public const int MaxBatchPartitions = 1024;

    /// <summary>
    /// 0 (the default): one partition per grain, every write its own request. Above 0: the states of each grain
    /// type are spread over this many partitions (by a stable hash of the grain id), and writes of different
    /// grains to one partition that arrive while an earlier write is in flight share one entity-group
    /// transaction (group commit). Changing it moves where every state is stored, so existing state is no
    /// longer found: change it only together with a new <see cref="TableName"/> or an empty table.
    /// </summary>
    public int BatchPartitions { get; set; }

    /// <summary>
    /// A client for the table service these options point at, with the same credentials and (bounded) client
    /// options. Other stores of the service that keep their own tables on the same account use this.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither a connection string nor a service URI with a credential is set.</exception>
    public TableServiceClient CreateServiceClient()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new TableServiceClient(ConnectionString, ClientOptions);
        }

        if (ServiceUri is not null && TokenCredential is not null)
        {
            return new TableServiceClient(ServiceUri, TokenCredential, ClientOptions);
        }

        throw new InvalidOperationException(
            $"{nameof(AzureTableStorageOptions)} needs a {nameof(ConnectionString)}, or a {nameof(ServiceUri)} with a {nameof(TokenCredential)}.");
    }

    /// <summary>A client for the table <paramref name="tableName"/> (by default <see cref="TableName"/>) on the same account.</summary>
    public TableClient CreateTableClient(string? tableName = null) => CreateServiceClient().GetTableClient(tableName ?? TableName);
}
