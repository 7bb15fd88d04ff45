using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>A visit's partition depends on <c>Ledger:Partitions</c>: a table refuses any other count than its own.</summary>
[Collection(DomainClusterCollection.Name)]
public sealed class LedgerLayoutTests(DomainCluster domain)
{
    [Fact]
    public async Task A_ledger_table_refuses_a_partition_count_other_than_the_one_it_was_written_with()
    {
        var name = "layout" + Guid.NewGuid().ToString("N")[..8];
        await Log(name, 8).ReadTailAsync(0);

        Assert.Empty((await Log(name, 8).ReadTailAsync(5)).Events);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Log(name, 16).ReadTailAsync(0));
        Assert.Contains("Ledger:Partitions=8", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Log(name, 16).ReadVisitAsync("visit-1"));
    }

    [Fact]
    public async Task A_table_written_before_the_count_was_recorded_is_taken_as_16_partitions()
    {
        var name = "legacy" + Guid.NewGuid().ToString("N")[..8];
        var table = new TableServiceClient(domain.Azurite.ConnectionString).GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p003", "c") { ["Cursor"] = 0L });

        await Assert.ThrowsAsync<InvalidOperationException>(() => Log(name, 4).ReadTailAsync(0));
        Assert.Empty((await Log(name, 16).ReadTailAsync(3)).Events);

        // An empty table takes whatever count it is first used with.
        var empty = "empty" + Guid.NewGuid().ToString("N")[..8];
        Assert.Empty((await Log(empty, 4).ReadTailAsync(0)).Events);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Log(empty, 16).ReadTailAsync(0));
    }

    private AzureTableVisitLog Log(string table, int partitions) => new(
        new BoaiTables(new TableServiceClient(domain.Azurite.ConnectionString), new BoaiTableOptions { LedgerTable = table }),
        Options.Create(new LedgerOptions { Partitions = partitions }));
}
