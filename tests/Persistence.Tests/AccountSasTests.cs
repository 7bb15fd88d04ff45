using Azure;
using Azure.Data.Tables;
using Boai.Orleans.Hosting;
using Boai.Orleans.Hosting.Storage;
using Boai.Orleans.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>A connection string's account key signs one SAS an hour; the service's table clients carry it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AccountSasTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_service_s_clients_are_authorised_by_the_shared_signature_and_follow_its_renewal()
    {
        // Tests of this collection run one at a time, and the signature is renewed before this one ends.
        var connectionString = azurite.ConnectionString;
        var client = BoaiTableService.Create(new StorageSettings { ConnectionString = connectionString }, TimeSpan.FromSeconds(10));
        var table = client.GetTableClient($"sas{Guid.NewGuid():N}");
        await table.CreateIfNotExistsAsync();
        await table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a") { ["N"] = 1 }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "b") { ["N"] = 2 }),
        ]);
        await table.UpsertEntityAsync(new TableEntity("p", "c") { ["N"] = 3 });
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == "p"))
        {
            rows.Add(row);
        }

        Assert.Equal(["a", "b", "c"], rows.Select(r => r.RowKey));

        // The client carries the signer's signature, not the key: a broken signature is refused, a renewed one works.
        var sas = AccountSas.For(connectionString)!;
        var good = sas.Credential.Signature;
        sas.Credential.Update(good.Replace("sig=", "sig=x", StringComparison.Ordinal));
        try
        {
            var refused = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "a"));
            Assert.Equal(403, refused.Status);
        }
        finally
        {
            sas.Renew();
        }

        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "a")).Value.GetInt32("N"));
    }

    [Fact]
    public void The_signature_is_renewed_every_hour_for_another_day()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        using var sas = AccountSas.Create(azurite.ConnectionString, time);
        var first = sas.Credential.Signature;
        Assert.Equal(time.GetUtcNow() + AccountSas.Lifetime, sas.ExpiresOn);

        time.Advance(AccountSas.RenewEvery - TimeSpan.FromSeconds(1));
        Assert.Equal(first, sas.Credential.Signature);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotEqual(first, sas.Credential.Signature);
        Assert.Equal(time.GetUtcNow() + AccountSas.Lifetime, sas.ExpiresOn);
        Assert.Contains("se=2026-12-01T09", Uri.UnescapeDataString(sas.Credential.Signature), StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_without_a_key_has_no_signer()
    {
        Assert.Null(AccountSas.For($"TableEndpoint={azurite.TableEndpoint};SharedAccessSignature=sv=2019-02-02&sig=x"));
    }
}
