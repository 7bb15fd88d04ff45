using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using Boai.Orleans.Hosting;
using Boai.Orleans.Hosting.Storage;
using Boai.Orleans.Storage;
using Boai.Orleans.Testing;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>
/// The service's own entity-group transactions (<see cref="TableTransactions"/>) against Azurite: they write what the
/// Azure SDK writes for the same entity, answer the ETag storage gave, and a refused transaction names the action
/// storage refused and writes nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableTransactionsTests(AzuriteFixture azurite)
{
    // Keys a URL must carry quoted and escaped: a quote, the ledger's bar, a space, CJK, percent and plus signs.
    private static readonly string[] AwkwardKeys = ["v|visit-1|vol-1|1", "o'brien", "a b", "石岐区|张三", "100%+1", "x~y"];

    [Fact]
    public async Task Every_property_kind_and_awkward_key_reads_back_exactly_as_the_sdk_s_own_write()
    {
        var table = await NewTableAsync();
        var transactions = BoaiTableService.CreateTransactions(new StorageSettings { ConnectionString = azurite.ConnectionString }, TimeSpan.FromSeconds(20));
        foreach (var key in AwkwardKeys)
        {
            await transactions.SubmitAsync(table.Name, [new(TableTransactionActionType.Add, Entity("mine", key))]);
            await table.SubmitTransactionAsync([new(TableTransactionActionType.Add, Entity("sdk", key))]);
        }

        foreach (var key in AwkwardKeys)
        {
            var mine = (await table.GetEntityAsync<TableEntity>("mine", key)).Value;
            var sdk = (await table.GetEntityAsync<TableEntity>("sdk", key)).Value;
            Assert.Equal(key, mine.RowKey);
            Assert.Equal(Properties(sdk), Properties(mine));
        }

        var read = (await table.GetEntityAsync<TableEntity>("mine", "o'brien")).Value;
        Assert.Equal("长者独居 \"引号\" \\ 换行\n\t<&>'+", read.GetString("Text"));
        Assert.Equal(long.MaxValue - 7, read.GetInt64("Long"));
        Assert.Equal(42, read.GetInt32("Int"));
        Assert.Equal(3.0, read.GetDouble("Whole"));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4567), read.GetDateTimeOffset("At"));
    }

    [Fact]
    public async Task The_etag_asked_for_is_the_one_storage_gave_and_merge_replace_and_delete_act_as_the_sdk_s()
    {
        var table = await NewTableAsync();
        var transactions = AzuriteTransactions.For(azurite.ConnectionString);
        await table.AddEntityAsync(new TableEntity("p", "gone") { ["N"] = 1 });
        var etag = await transactions.SubmitAsync(table.Name,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a") { ["N"] = 1, ["Keep"] = "yes" }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "c") { ["Cursor"] = 7L }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "gone"), ETag.All),
        ], etagOf: 1);
        Assert.Equal((await table.GetEntityAsync<TableEntity>("p", "c")).Value.ETag.ToString(), etag);
        Assert.Null(await transactions.SubmitAsync(table.Name, [new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "b"))]));

        var merged = await transactions.SubmitAsync(table.Name,
        [
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "a") { ["N"] = 2 }, (await table.GetEntityAsync<TableEntity>("p", "a")).Value.ETag),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "c") { ["Cursor"] = 9L }, new ETag(etag!)),
        ], etagOf: 0);

        var a = (await table.GetEntityAsync<TableEntity>("p", "a")).Value;
        Assert.Equal((2, "yes"), (a.GetInt32("N"), a.GetString("Keep")));
        Assert.Equal(a.ETag.ToString(), merged);
        Assert.Equal(9L, (await table.GetEntityAsync<TableEntity>("p", "c")).Value.GetInt64("Cursor"));
        Assert.Equal(["a", "b", "c"], await KeysAsync(table));
    }

    [Fact]
    public async Task A_refused_transaction_names_the_action_and_writes_nothing()
    {
        var table = await NewTableAsync();
        var transactions = AzuriteTransactions.For(azurite.ConnectionString);
        var stale = await transactions.SubmitAsync(table.Name,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "c") { ["Cursor"] = 1L }),
        ], etagOf: 1);
        await transactions.SubmitAsync(table.Name, [new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "c") { ["Cursor"] = 2L })]);

        // An added row that exists: 409 at its index.
        var exists = await Assert.ThrowsAsync<TableTransactionRefusedException>(() => transactions.SubmitAsync(table.Name,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "new-1")),
            new(TableTransactionActionType.Add, new TableEntity("p", "new-2")),
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
        ]));
        Assert.Equal((409, 2, "EntityAlreadyExists"), (exists.Status, exists.FailedActionIndex, exists.ErrorCode));

        // A row not at the ETag given: 412.
        var moved = await Assert.ThrowsAsync<TableTransactionRefusedException>(() => transactions.SubmitAsync(table.Name,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "new-3")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "c") { ["Cursor"] = 3L }, new ETag(stale!)),
        ]));
        Assert.Equal((412, 1), (moved.Status, moved.FailedActionIndex));

        // A row to delete that is not there: 404, which the district store's flush tells from other failures.
        var missing = await Assert.ThrowsAsync<TableTransactionRefusedException>(() => transactions.SubmitAsync(table.Name,
        [
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "new-4")),
            new(TableTransactionActionType.Delete, new TableEntity("p", "never"), ETag.All),
        ]));
        Assert.Equal((404, 1), (missing.Status, missing.FailedActionIndex));

        Assert.Equal(["a", "c"], await KeysAsync(table));
        Assert.Equal(2L, (await table.GetEntityAsync<TableEntity>("p", "c")).Value.GetInt64("Cursor"));
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_sent_and_a_missing_table_fails_as_storage_says()
    {
        var transactions = AzuriteTransactions.For(azurite.ConnectionString);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transactions.SubmitAsync("t", []));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transactions.SubmitAsync(
            "t", Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}"))).ToList()));
        await Assert.ThrowsAsync<NotSupportedException>(() => transactions.SubmitAsync(
            "t", [new(TableTransactionActionType.Add, new TableEntity("p", "r") { ["Decimal"] = 1.5m })]));

        var failed = await Assert.ThrowsAnyAsync<RequestFailedException>(() => transactions.SubmitAsync(
            "missing" + Guid.NewGuid().ToString("N")[..8], [new(TableTransactionActionType.Add, new TableEntity("p", "r"))]));
        Assert.Equal(404, failed.Status);
    }

    [Fact]
    public async Task A_connection_string_that_carries_its_own_signature_authorises_the_transactions()
    {
        var table = await NewTableAsync();
        var sas = new TableServiceClient(azurite.ConnectionString)
            .GenerateSasUri(TableAccountSasPermissions.All, TableAccountSasResourceTypes.All, DateTimeOffset.UtcNow.AddHours(1));
        var connectionString = $"TableEndpoint={azurite.TableEndpoint};SharedAccessSignature={sas.Query.TrimStart('?')}";
        var transactions = BoaiTableService.CreateTransactions(new StorageSettings { ConnectionString = connectionString }, TimeSpan.FromSeconds(20));
        await transactions.SubmitAsync(table.Name, [new(TableTransactionActionType.Add, new TableEntity("p", "a") { ["N"] = 1 })]);
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "a")).Value.GetInt32("N"));

        var broken = $"TableEndpoint={azurite.TableEndpoint};SharedAccessSignature={sas.Query.TrimStart('?').Replace("sig=", "sig=x", StringComparison.Ordinal)}";
        var refused = await Assert.ThrowsAnyAsync<RequestFailedException>(() => BoaiTableService
            .CreateTransactions(new StorageSettings { ConnectionString = broken }, TimeSpan.FromSeconds(20))
            .SubmitAsync(table.Name, [new(TableTransactionActionType.Add, new TableEntity("p", "b"))]));
        Assert.Equal(403, refused.Status);
        Assert.Equal(["a"], await KeysAsync(table));
    }

    private static TableEntity Entity(string partition, string key) => new(partition, key)
    {
        ["Text"] = "长者独居 \"引号\" \\ 换行\n\t<&>'+",
        ["Long"] = long.MaxValue - 7,
        ["Int"] = 42,
        ["Flag"] = true,
        ["Whole"] = 3.0,
        ["Fraction"] = 0.1,
        ["At"] = new DateTimeOffset(2026, 12, 1, 8, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4567),
        ["Id"] = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
        ["Bytes"] = new byte[] { 0, 1, 2, 250 },
        ["Missing"] = null,
    };

    /// <summary>What storage holds of a row besides its keys and its timestamps: each property's name, type and value.</summary>
    private static List<string> Properties(TableEntity row) => row
        .Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
        .OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => $"{p.Key}:{p.Value?.GetType().Name}:{(p.Value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture))}")
        .ToList();

    private static async Task<List<string>> KeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(azurite.ConnectionString, "tx" + Guid.NewGuid().ToString("N")[..10]);
        await table.CreateAsync();
        return table;
    }
}
