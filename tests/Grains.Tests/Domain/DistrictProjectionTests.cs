using Azure.Data.Tables;
using Boai.Orleans.Districts;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class DistrictProjectionTests(DomainCluster domain)
{
    [Fact]
    public async Task Deletes_go_out_with_the_upserts_and_a_row_never_written_does_not_fail_the_flush()
    {
        var table = new TableClient(domain.Azurite.ConnectionString, "projection" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        var projection = new DistrictProjection("xiaolan");
        for (var i = 0; i < 150; i++)
        {
            projection.Put(DistrictProjection.Active, $"visit-{i}", $"visit-{i}");
        }

        await projection.FlushAsync(table);

        // 120 deletes of written rows, one of a row never written, one put-then-deleted before the flush, and new rows: 2 transactions.
        for (var i = 0; i < 120; i++)
        {
            projection.Delete(DistrictProjection.Active, $"visit-{i}");
        }

        projection.Delete(DistrictProjection.Active, "never-written");
        projection.Put(DistrictProjection.Active, "short-lived", "short-lived");
        projection.Delete(DistrictProjection.Active, "short-lived");
        projection.Put(DistrictProjection.Month, "visit-1", "visit-1");
        await projection.FlushAsync(table);

        var rows = await projection.LoadAsync(table, CancellationToken.None);
        Assert.False(projection.HasChanges);
        var expected = Enumerable.Range(120, 30).Select(i => $"visit-{i}").Append("visit-1").Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(DistrictProjection.Read<string>).Order(StringComparer.Ordinal));
    }
}
