using Microsoft.Extensions.Logging;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>The provider's log events; ids 4100–4199 belong to Azure Table grain storage.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Azure Table grain storage {ProviderName} initializing table {TableName}")]
    public static partial void Initializing(ILogger logger, string providerName, string tableName);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Azure Table grain storage {ProviderName} ready on table {TableName} in {ElapsedMilliseconds} ms")]
    public static partial void Initialized(ILogger logger, string providerName, string tableName, long elapsedMilliseconds);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Azure Table grain storage {ProviderName} could not initialize table {TableName}")]
    public static partial void InitializationFailed(ILogger logger, Exception exception, string providerName, string tableName);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Trace, Message = "{Operation} state {StateName} of grain {GrainId} (PartitionKey={PartitionKey}, ETag={ETag}) in table {TableName}")]
    public static partial void Operation(ILogger logger, string operation, string stateName, GrainId grainId, string partitionKey, string? eTag, string tableName);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message = "{Operation} state {StateName} of grain {GrainId} found a different version in table {TableName} (status {Status}, grain ETag {ETag})")]
    public static partial void VersionConflict(ILogger logger, string operation, string stateName, GrainId grainId, string tableName, int status, string? eTag);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Error, Message = "{Operation} state {StateName} of grain {GrainId} failed in table {TableName} (ETag {ETag})")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation, string stateName, GrainId grainId, string tableName, string? eTag);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Error, Message = "State {StateName} of grain {GrainId} is {Size} bytes serialized, more than the {MaxSize} bytes one entity holds; nothing was written")]
    public static partial void StateTooLarge(ILogger logger, string stateName, GrainId grainId, int size, int maxSize);

    [LoggerMessage(EventId = 4123, Level = LogLevel.Error, Message = "{Operation} state {StateName} of grain {GrainId} did not complete within {Timeout} in table {TableName}")]
    public static partial void OperationTimedOut(ILogger logger, string operation, string stateName, GrainId grainId, TimeSpan timeout, string tableName);

    [LoggerMessage(EventId = 4124, Level = LogLevel.Error, Message = "State {StateName} of grain {GrainId} in table {TableName} could not be deserialized as {StateType}")]
    public static partial void DeserializationFailed(ILogger logger, Exception exception, string stateName, GrainId grainId, string tableName, string stateType);
}
