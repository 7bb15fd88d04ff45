using Azure.Core;
using Azure.Data.Tables;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>Options of one named Azure Table grain storage provider.</summary>
public sealed class AzureTableStorageOptions
{
    public const string DefaultTableName = "OrleansGrainState";

    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c> or an explicit one).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service URI, used with <see cref="TokenCredential"/> where no connection string is given.</summary>
    public Uri? ServiceUri { get; set; }

    public TokenCredential? TokenCredential { get; set; }

    public string TableName { get; set; } = DefaultTableName;

    /// <summary>Delete the entity on ClearStateAsync instead of writing an empty record that keeps the ETag chain.</summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>Client options (retries, timeouts); the provider bounds them by Orleans' response timeout.</summary>
    public TableClientOptions ClientOptions { get; set; } = new();
}
