using System.Net;
using Boai.Orleans.Hosting;
using Boai.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// The membership table as silos use it (<see cref="BoaiHostingExtensions.UseBoaiMembership(ISiloBuilder, StorageSettings)"/>)
/// on a real Azurite: a silo's row and the table's version row change together in one entity-group transaction, and a
/// writer holding a stale ETag of either is refused, so two silos can never both win a membership change.
/// </summary>
public sealed class MembershipTableTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var storage = new StorageSettings { ConnectionString = _azurite.ConnectionString, MembershipTable = $"members{Guid.NewGuid():N}" };
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("etag-test", "etag-test"));
            silo.UseBoaiMembership(storage);
        });
        // Built, never started: the test is the only writer of this cluster's rows.
        _host = builder.Build();
        await Table.InitializeMembershipTableAsync(tryInitTableVersion: true);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _azurite.DisposeAsync();
    }

    private IMembershipTable Table => _host.Services.GetRequiredService<IMembershipTable>();

    [Fact]
    public async Task A_membership_update_with_a_stale_row_or_version_ETag_is_refused_and_changes_nothing()
    {
        var silo = Entry(SiloStatus.Joining);
        var empty = await Table.ReadAllAsync();
        Assert.True(await Table.InsertRowAsync(silo, empty.Version.Next()));

        var read = await Table.ReadAllAsync();
        var (entry, rowEtag) = Assert.Single(read.Members);
        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, rowEtag, read.Version.Next()));

        // Another silo read before that update: both its row ETag and its table version are now stale.
        entry.Status = SiloStatus.Dead;
        Assert.False(await Table.UpdateRowAsync(entry, rowEtag, read.Version.Next()));
        var current = await Table.ReadAllAsync();
        var (_, currentEtag) = Assert.Single(current.Members);
        // A fresh row ETag with a stale version ETag fails the same transaction.
        Assert.False(await Table.UpdateRowAsync(entry, currentEtag, read.Version.Next()));
        // A second insert of the same silo against the stale version is refused as well.
        Assert.False(await Table.InsertRowAsync(Entry(SiloStatus.Joining), read.Version.Next()));

        var after = await Table.ReadAllAsync();
        var (stored, _) = Assert.Single(after.Members);
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        Assert.Equal(current.Version, after.Version);
    }

    private static MembershipEntry Entry(SiloStatus status) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11999), 42),
        Status = status,
        HostName = "etag-test",
        SiloName = "silo-etag",
        ProxyPort = 30999,
        StartTime = new DateTime(2026, 1, 5, 8, 0, 0, DateTimeKind.Utc),
        IAmAliveTime = new DateTime(2026, 1, 5, 8, 0, 0, DateTimeKind.Utc),
    };
}
