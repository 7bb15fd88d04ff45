using Azure.Data.Tables;
using Boai.Orleans.Districts;
using Boai.Orleans.Model;
using Boai.Orleans.Storage;
using Boai.Orleans.Testing;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class DistrictProjectionTests(DomainCluster domain)
{
    private ITableTransactions Transactions => field ??= AzuriteTransactions.For(domain.Azurite.ConnectionString);

    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Deletes_go_out_with_the_upserts_and_a_row_never_written_does_not_fail_the_flush()
    {
        var table = await NewTableAsync();
        var store = new TableDistrictStore("xiaolan", table, Transactions);
        for (var i = 0; i < 150; i++)
        {
            store.Put(DistrictRowKind.Active, $"visit-{i}", Visit($"visit-{i}"));
        }

        await store.FlushAsync();

        // 120 deletes of written rows, one of a row never written, one put-then-deleted before the flush, and new rows: 2 transactions.
        for (var i = 0; i < 120; i++)
        {
            store.Delete(DistrictRowKind.Active, $"visit-{i}");
        }

        store.Delete(DistrictRowKind.Active, "never-written");
        store.Put(DistrictRowKind.Active, "short-lived", Visit("short-lived"));
        store.Delete(DistrictRowKind.Active, "short-lived");
        store.Put(DistrictRowKind.Month, "visit-1", new MonthVisit("visit-1", 1.5), "202611");
        await store.FlushAsync();

        var rows = await new TableDistrictStore("xiaolan", table, Transactions).LoadAsync(CancellationToken.None);
        Assert.False(store.HasChanges);
        var expected = Enumerable.Range(120, 30).Select(i => $"visit-{i}").Append("visit-1").Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal("202611", Assert.Single(rows, r => r.Kind == DistrictRowKind.Month).Tag);
    }

    [Fact]
    public async Task A_visit_checked_in_and_out_between_two_flushes_costs_no_row_write_and_a_stored_one_is_deleted()
    {
        var table = await NewTableAsync();
        var store = new TableDistrictStore("xiaolan", table, Transactions);

        // Put and deleted before any flush: never sent, so nothing to write (a delete of it would fail its transaction).
        store.Put(DistrictRowKind.Active, "short-lived", Visit("short-lived"));
        store.Delete(DistrictRowKind.Active, "short-lived");
        Assert.False(store.HasChanges);

        // Sent by a flush (or read at activation): its delete goes out.
        store.Put(DistrictRowKind.Active, "stored", Visit("stored"));
        await store.FlushAsync();
        store.Delete(DistrictRowKind.Active, "stored");
        Assert.True(store.HasChanges);
        await store.FlushAsync();
        Assert.Empty(await new TableDistrictStore("xiaolan", table, Transactions).LoadAsync(CancellationToken.None));

        // Deleted by that flush, so no longer stored: put and deleted again before a flush, it costs nothing.
        store.Put(DistrictRowKind.Active, "stored", Visit("stored"));
        store.Delete(DistrictRowKind.Active, "stored");
        Assert.False(store.HasChanges);

        var reread = new TableDistrictStore("xiaolan", table, Transactions);
        reread.Put(DistrictRowKind.Active, "again", Visit("again"));
        await reread.FlushAsync();
        var cold = new TableDistrictStore("xiaolan", table, Transactions);
        Assert.Single(await cold.LoadAsync(CancellationToken.None));
        cold.Delete(DistrictRowKind.Active, "again");
        await cold.FlushAsync();
        Assert.Empty(await new TableDistrictStore("xiaolan", table, Transactions).LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Many_volunteers_share_a_row_and_a_cold_read_returns_each_once_as_last_written()
    {
        var table = await NewTableAsync();
        var store = new TableDistrictStore("xiaolan", table, Transactions);
        const int volunteers = 5_000;
        for (var i = 0; i < volunteers; i++)
        {
            store.Put(DistrictRowKind.Volunteer, $"v{i}", Volunteer($"v{i}", "陈**"));
        }

        store.Put(DistrictRowKind.Household, "h1", Household("h1"));
        await store.FlushAsync();

        // A second flush rewrites only the changed buckets; a removed volunteer is gone from its bucket.
        store.Put(DistrictRowKind.Volunteer, "v7", Volunteer("v7", "李**"));
        store.Delete(DistrictRowKind.Volunteer, "v8");
        await store.FlushAsync();

        var stored = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            stored++;
        }

        var cold = new TableDistrictStore("xiaolan", table, Transactions);
        var rows = await cold.LoadAsync(CancellationToken.None);
        var read = (await cold.ReadVolunteersAsync(CancellationToken.None)).ToDictionary(r => r.Id, r => (VolunteerSummary)r.Value);
        Assert.True(stored <= TableDistrictStore.VolunteerBuckets + TableDistrictStore.ActivityBuckets + 1, $"{stored} rows for {volunteers} volunteers");
        Assert.DoesNotContain(rows, r => r.Kind == DistrictRowKind.Volunteer);
        Assert.Equal(volunteers - 1, read.Count);
        Assert.Equal("李**", read["v7"].MaskedName);
        Assert.DoesNotContain("v8", read.Keys);
        Assert.Equal("h1", ((HouseholdSummary)Assert.Single(rows, r => r.Kind == DistrictRowKind.Household).Value).HouseholdId);
    }

    [Fact]
    public async Task Rows_of_the_one_row_per_volunteer_layout_are_read_and_moved_into_buckets_on_the_next_flush()
    {
        var table = await NewTableAsync();
        var old = new TableEntity("xiaolan", "v|v1") { ["Json"] = System.Text.Json.JsonSerializer.Serialize(Volunteer("v1", "陈**"), Json) };
        await table.AddEntityAsync(old);

        var store = new TableDistrictStore("xiaolan", table, Transactions);
        var rows = await store.LoadAsync(CancellationToken.None);
        Assert.Equal("v1", Assert.Single(rows).Id);
        Assert.Empty(store.AdoptVolunteers(await store.ReadVolunteersAsync(CancellationToken.None)));
        Assert.True(store.HasChanges);
        await store.FlushAsync();

        Assert.Equal(["vb|"], (await RowKeysAsync(table)).Select(k => k[..3]));
        Assert.Equal("v1", Assert.Single(await new TableDistrictStore("xiaolan", table, Transactions).ReadVolunteersAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task A_volunteer_put_while_the_volunteers_are_read_is_stored_at_once_and_wins_over_the_older_bucket_row()
    {
        var table = await NewTableAsync();
        var seeder = new TableDistrictStore("xiaolan", table, Transactions);
        for (var i = 0; i < 300; i++)
        {
            seeder.Put(DistrictRowKind.Volunteer, $"v{i}", Volunteer($"v{i}", "陈**"));
        }

        await seeder.FlushAsync();

        // The district activates and its volunteers' read is in flight (taken before the updates below, so it holds the
        // older rows) while one volunteer is updated, one removed and one new one added: each is stored at once.
        var store = new TableDistrictStore("xiaolan", table, Transactions);
        Assert.Empty(await store.LoadAsync(CancellationToken.None));
        var read = await store.ReadVolunteersAsync(CancellationToken.None);
        store.Put(DistrictRowKind.Volunteer, "v7", Volunteer("v7", "李**"));
        store.Delete(DistrictRowKind.Volunteer, "v8");
        store.Put(DistrictRowKind.Volunteer, "new", Volunteer("new", "王**"));
        await store.FlushAsync();

        // The silo dies before the read lands: the next activation reads the updates with its first read.
        // (Looked at without taking the lease: the first store writes on below, as the story goes.)
        var crashed = new TableDistrictStore("xiaolan", table, Transactions) { TakesLease = false };
        var early = (await crashed.LoadAsync(CancellationToken.None)).ToDictionary(r => r.Id, r => (VolunteerSummary)r.Value);
        Assert.Equal(["new", "v7"], early.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("李**", early["v7"].MaskedName);
        var adopted = crashed.AdoptVolunteers(await crashed.ReadVolunteersAsync(CancellationToken.None)).ToDictionary(r => r.Id, r => (VolunteerSummary)r.Value);
        Assert.Equal(298, adopted.Count);
        Assert.DoesNotContain("v7", adopted.Keys);
        Assert.DoesNotContain("v8", adopted.Keys);

        // The first store's read lands: the older bucket rows do not overwrite the updates, which go into their buckets.
        var current = store.AdoptVolunteers(read).ToDictionary(r => r.Id, r => (VolunteerSummary)r.Value);
        Assert.Equal(298, current.Count);
        Assert.True(store.HasChanges);
        store.Put(DistrictRowKind.Volunteer, "v9", Volunteer("v9", "赵**"));
        await store.FlushAsync();

        // Stored: buckets only (single rows and their markers gone), each volunteer as last written.
        Assert.All(await RowKeysAsync(table), k => Assert.StartsWith("vb|", k, StringComparison.Ordinal));
        var cold = new TableDistrictStore("xiaolan", table, Transactions);
        Assert.Empty(await cold.LoadAsync(CancellationToken.None));
        var stored = cold.AdoptVolunteers(await cold.ReadVolunteersAsync(CancellationToken.None)).ToDictionary(r => r.Id, r => (VolunteerSummary)r.Value);
        Assert.Equal(300, stored.Count);
        Assert.Equal("李**", stored["v7"].MaskedName);
        Assert.Equal("王**", stored["new"].MaskedName);
        Assert.Equal("赵**", stored["v9"].MaskedName);
        Assert.DoesNotContain("v8", stored.Keys);
    }

    [Fact]
    public async Task A_single_row_is_never_left_older_than_its_bucket()
    {
        var table = await NewTableAsync();
        var seeder = new TableDistrictStore("xiaolan", table, Transactions);
        seeder.Put(DistrictRowKind.Volunteer, "v1", Volunteer("v1", "陈**"));
        await seeder.FlushAsync();

        // Updated during the read (single row), then again after it (bucket): the bucket's write replaces the single row
        // in the same transaction, so a read after it finds the newest record even when deleting the markers fails.
        var store = new TableDistrictStore("xiaolan", table, new DeletesFail(Transactions));
        await store.LoadAsync(CancellationToken.None);
        var read = await store.ReadVolunteersAsync(CancellationToken.None);
        store.Put(DistrictRowKind.Volunteer, "v1", Volunteer("v1", "李**"));
        await store.FlushAsync();
        store.AdoptVolunteers(read);
        store.Put(DistrictRowKind.Volunteer, "v1", Volunteer("v1", "王**"));
        await store.FlushAsync();

        Assert.Contains("v|v1", await RowKeysAsync(table));
        var cold = new TableDistrictStore("xiaolan", table, Transactions);
        var early = await cold.LoadAsync(CancellationToken.None);
        var stored = early.Concat(cold.AdoptVolunteers(await cold.ReadVolunteersAsync(CancellationToken.None))).ToDictionary(r => r.Id, r => (VolunteerSummary)r.Value);
        Assert.Equal("王**", stored["v1"].MaskedName);
    }

    [Fact]
    public async Task A_write_that_fails_halfway_never_stores_a_ledger_position_ahead_of_its_rows()
    {
        var table = await NewTableAsync();
        var store = new TableDistrictStore("xiaolan", table, new FailsWith(Transactions, "a|visit-fail"));

        // The position first, then 150 visits: more than one transaction, the failing visit in the last.
        store.Put(DistrictRowKind.Position, "3", 42L);
        for (var i = 0; i < 150; i++)
        {
            store.Put(DistrictRowKind.Active, $"visit-{i}", Visit($"visit-{i}"));
        }

        store.Put(DistrictRowKind.Active, "visit-fail", Visit("visit-fail"));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(store.FlushAsync);

        // Some visits may have landed; the position, which says the rows hold the events up to 42, has not.
        var stored = await new TableDistrictStore("xiaolan", table, Transactions).LoadAsync(CancellationToken.None);
        Assert.DoesNotContain(stored, r => r.Kind == DistrictRowKind.Position);
        Assert.DoesNotContain(stored, r => r.Id == "visit-fail");
    }

    [Fact]
    public async Task An_activation_that_lost_the_lease_writes_nothing_and_the_newer_one_writes_on()
    {
        var table = await NewTableAsync();
        var old = new TableDistrictStore("xiaolan", table, Transactions);
        await old.LoadAsync(CancellationToken.None);
        old.Put(DistrictRowKind.Active, "visit-1", Visit("visit-1"));
        old.Put(DistrictRowKind.Position, "3", 10L);
        await old.FlushAsync();

        // A newer activation (the old one's silo was declared dead) reads the rows; the visit is checked out there.
        var newer = new TableDistrictStore("xiaolan", table, Transactions);
        Assert.Contains(await newer.LoadAsync(CancellationToken.None), r => r.Id == "visit-1");
        newer.Delete(DistrictRowKind.Active, "visit-1");
        newer.Put(DistrictRowKind.Position, "3", 11L);
        await newer.FlushAsync();

        // The old one still runs and writes what it holds: refused whole, by its lease alone, however often it tries.
        old.Put(DistrictRowKind.Active, "visit-1", Visit("visit-1"));
        old.Put(DistrictRowKind.Active, "visit-2", Visit("visit-2"));
        await Assert.ThrowsAsync<DistrictStoreFencedException>(old.FlushAsync);
        await Assert.ThrowsAsync<DistrictStoreFencedException>(old.FlushAsync);

        // The newer one writes on, one transaction after another, each conditional on the lease as it left it.
        for (var i = 0; i < 3; i++)
        {
            newer.Put(DistrictRowKind.Active, $"visit-new-{i}", Visit($"visit-new-{i}"));
            await newer.FlushAsync();
        }

        var stored = await new TableDistrictStore("xiaolan", table, Transactions).LoadAsync(CancellationToken.None);
        Assert.DoesNotContain(stored, r => r.Id is "visit-1" or "visit-2");
        Assert.Equal(3, stored.Count(r => r.Kind == DistrictRowKind.Active));
        Assert.Equal(11L, stored.Single(r => r.Kind == DistrictRowKind.Position).Value);
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_does_not_fence_off_its_own_store()
    {
        var table = await NewTableAsync();
        var lossy = new LosesAnswers(Transactions);
        var store = new TableDistrictStore("xiaolan", table, lossy);
        await store.LoadAsync(CancellationToken.None);

        // The transaction lands (and moves the lease on), but its answer never arrives.
        store.Put(DistrictRowKind.Active, "visit-1", Visit("visit-1"));
        lossy.LoseNext = true;
        await Assert.ThrowsAsync<Azure.RequestFailedException>(store.FlushAsync);

        // The next write finds the lease moved by itself and goes on.
        store.Put(DistrictRowKind.Active, "visit-2", Visit("visit-2"));
        await store.FlushAsync();
        var stored = await new TableDistrictStore("xiaolan", table, Transactions).LoadAsync(CancellationToken.None);
        Assert.Equal(2, stored.Count(r => r.Kind == DistrictRowKind.Active));
    }

    /// <summary>Transactions that, when told, land and then fail their answer, as a lost connection does.</summary>
    private sealed class LosesAnswers(ITableTransactions inner) : ITableTransactions
    {
        public bool LoseNext { get; set; }

        public async Task<string?> SubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, int etagOf = -1, CancellationToken cancellationToken = default)
        {
            var etag = await inner.SubmitAsync(table, actions, etagOf, cancellationToken);
            if (LoseNext)
            {
                LoseNext = false;
                throw new Azure.RequestFailedException(500, "injected: the answer was lost");
            }

            return etag;
        }
    }

    /// <summary>Transactions holding one row key fail, as storage may at any moment.</summary>
    private sealed class FailsWith(ITableTransactions inner, string rowKey) : ITableTransactions
    {
        public Task<string?> SubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, int etagOf = -1, CancellationToken cancellationToken = default) =>
            actions.Any(a => a.Entity.RowKey == rowKey)
                ? throw new Azure.RequestFailedException(503, "injected: this transaction fails")
                : inner.SubmitAsync(table, actions, etagOf, cancellationToken);
    }

    /// <summary>Transactions of deletes only fail, as storage may at any moment.</summary>
    private sealed class DeletesFail(ITableTransactions inner) : ITableTransactions
    {
        // The store's own lease update rides along with every transaction.
        public Task<string?> SubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, int etagOf = -1, CancellationToken cancellationToken = default) =>
            actions.Where(a => a.ActionType != TableTransactionActionType.UpdateMerge).All(a => a.ActionType == TableTransactionActionType.Delete)
                ? throw new Azure.RequestFailedException(503, "deletes fail")
                : inner.SubmitAsync(table, actions, etagOf, cancellationToken);
    }

    /// <summary>The district's data rows (its lease row, which says who writes them, aside).</summary>
    private static async Task<List<string>> RowKeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            if (row.RowKey != "~lease")
            {
                keys.Add(row.RowKey);
            }
        }

        return keys;
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(domain.Azurite.ConnectionString, "projection" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        return table;
    }

    private static ActiveVisit Visit(string id) => new(id, "v1", "h1", At);

    private static VolunteerSummary Volunteer(string id, string name) => new(
        id, "xiaolan", name, VolunteerStatus.Active, ["visiting"], [], [], 5, new GeoPoint(22.6, 113.25), 0, 4, null, 0, 0, 0, []);

    private static HouseholdSummary Household(string id) => new(id, "xiaolan", "悦来社区", "elderly", RiskLevel.General, 1, [], null, null);
}
