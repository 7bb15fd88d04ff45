using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Districts;

/// <summary>
/// A district's aggregates as rows of one table partition: one row per household, volunteer, visit in progress,
/// check-in of today, visit of this month and visit due today. Thousands of rows fit where one entity (1 MiB) would not, each change
/// writes only its rows, and all of a district's rows go out 100 to a transaction.
/// </summary>
internal sealed class DistrictProjection(string districtId)
{
    public const string Household = "h|";
    public const string Volunteer = "v|";
    public const string Active = "a|";
    public const string Today = "t|";
    public const string Month = "m|";
    public const string Due = "d|";
    public const string Position = "p|";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly string _partition = AzureTableKeys.Escape(districtId);
    private Dictionary<string, TableEntity?> _dirty = new(StringComparer.Ordinal);

    public bool HasChanges => _dirty.Count > 0;

    public void Put<T>(string prefix, string id, T value, string? tag = null)
    {
        var row = new TableEntity(_partition, prefix + AzureTableKeys.Escape(id)) { ["Json"] = JsonSerializer.Serialize(value, Json) };
        if (tag is not null)
        {
            row["Tag"] = tag;
        }

        _dirty[row.RowKey] = row;
    }

    public void Delete(string prefix, string id) => _dirty[prefix + AzureTableKeys.Escape(id)] = null;

    public static T Read<T>(TableEntity row) => JsonSerializer.Deserialize<T>(row.GetString("Json"), Json)!;

    public async Task<List<TableEntity>> LoadAsync(TableClient table, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_partition}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Writes every pending change, upserts and deletes alike 100 to a transaction; on failure they stay pending
    /// (unless changed again meanwhile) and the error is thrown.
    /// </summary>
    public async Task FlushAsync(TableClient table)
    {
        var taken = _dirty;
        _dirty = new Dictionary<string, TableEntity?>(StringComparer.Ordinal);
        try
        {
            var transactions = taken
                .Select(kv => kv.Value is { } row
                    ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)
                    : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, kv.Key), ETag.All))
                .Chunk(100)
                .Select(chunk => SubmitAsync(table, chunk));
            await Task.WhenAll(transactions);
        }
        catch
        {
            foreach (var (key, row) in taken)
            {
                _dirty.TryAdd(key, row);
            }

            throw;
        }
    }

    /// <summary>
    /// One transaction. A delete of a row that is not there (put and deleted before a flush, or deleted twice) fails
    /// the whole transaction with 404; then the upserts go again on their own and the deletes one by one.
    /// </summary>
    private async Task SubmitAsync(TableClient table, TableTransactionAction[] chunk)
    {
        try
        {
            await table.SubmitTransactionAsync(chunk);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && chunk.Any(a => a.ActionType == TableTransactionActionType.Delete))
        {
            var upserts = chunk.Where(a => a.ActionType != TableTransactionActionType.Delete).ToList();
            if (upserts.Count > 0)
            {
                await table.SubmitTransactionAsync(upserts);
            }

            await Task.WhenAll(chunk.Where(a => a.ActionType == TableTransactionActionType.Delete).Select(a => DeleteAsync(table, a.Entity.RowKey)));
        }
    }

    private async Task DeleteAsync(TableClient table, string rowKey)
    {
        try
        {
            await table.DeleteEntityAsync(_partition, rowKey, ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: a delete is idempotent.
        }
    }
}
