using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;
using Boai.Orleans.Testing;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>A visit's partition depends on the partition count: a ledger table keeps the count it was written with.</summary>
[Collection(DomainClusterCollection.Name)]
public sealed class LedgerLayoutTests(DomainCluster domain)
{
    [Fact]
    public async Task A_ledger_table_keeps_the_partition_count_it_was_written_with_whatever_the_setting()
    {
        var name = "layout" + Guid.NewGuid().ToString("N")[..8];
        var first = Log(name, 8);
        await first.OpenAsync();
        var visit = new VisitRecord { VisitId = "visit-1", VolunteerId = "v1", HouseholdId = "h1", DistrictId = "d1", CheckedInAt = DateTimeOffset.UnixEpoch };
        var partition = first.PartitionOf(visit.VisitId);
        await first.AppendAsync(partition, [new LedgerEvent(partition, 1, VisitStep.CheckedIn, visit)], 0);

        // A host set to another count reads the table with the table's count, so it finds the visit where it was written.
        var other = Log(name, 16);
        await other.OpenAsync();
        Assert.Equal(8, other.Partitions);
        Assert.Equal(partition, other.PartitionOf(visit.VisitId));
        Assert.Single(await other.ReadVisitAsync(visit.VisitId));
    }

    [Fact]
    public async Task A_table_written_before_the_count_was_recorded_is_read_with_16_partitions()
    {
        var name = "legacy" + Guid.NewGuid().ToString("N")[..8];
        var table = new TableServiceClient(domain.Azurite.ConnectionString).GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p003", "c") { ["Cursor"] = 0L });

        var legacy = Log(name, 4);
        await legacy.OpenAsync();
        Assert.Equal(16, legacy.Partitions);

        // An empty table takes whatever count it is first used with, and keeps it.
        var empty = "empty" + Guid.NewGuid().ToString("N")[..8];
        var newTable = Log(empty, 4);
        await newTable.OpenAsync();
        Assert.Equal(4, newTable.Partitions);
        var later = Log(empty, 16);
        await later.OpenAsync();
        Assert.Equal(4, later.Partitions);
    }

    private AzureTableVisitLog Log(string table, int partitions) => new(
        AzuriteTransactions.Tables(domain.Azurite.ConnectionString, new BoaiTableOptions { LedgerTable = table }),
        Options.Create(new LedgerOptions { Partitions = partitions }));
}
