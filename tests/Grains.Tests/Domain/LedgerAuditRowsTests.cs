using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;
using Boai.Orleans.Testing;
using Boai.Orleans.Visits;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// A phone's visit step carries its audit entry into its ledger append: the append's stamped events' entries in one
/// audit row (one per UTC day) of the same transaction, so the entry exists exactly when the step does.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class LedgerAuditRowsTests(DomainCluster domain) : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 23, 59, 58, TimeSpan.FromHours(-3));

    private IClusterClient Grains => domain.Client;

    public void Dispose() => domain.Ledger.Heal();

    [Fact]
    public async Task An_append_writes_its_stamped_events_entries_in_one_audit_row_of_its_transaction()
    {
        var (log, table) = await NewLogAsync();
        var events = Enumerable.Range(1, 4).Select(n => Event(n, $"visit-{n}")).ToList();
        AuditEntry?[] audits = [Audit("vol-1", "visit-1", 201), null, Audit("vol-3", "visit-3", 200), null];

        await log.AppendAsync(0, events, cursor: 0, audits: audits);

        // Keyed by the entries' UTC day (23:59 at UTC-3 is the next day in UTC) and the last stamped event's sequence.
        var row = Assert.Single(await AuditRowsAsync(table));
        Assert.Equal(("p000", "a|20261201|0000000000000003"), (row.PartitionKey, row.RowKey));
        Assert.Equal(2, row.GetInt32("Count"));
        var day = new DateOnly(2026, 12, 1);
        Assert.Equal(audits.Where(a => a is not null), await log.ReadAuditAsync(day, null));
        Assert.Equal(audits[2], Assert.Single(await log.ReadAuditAsync(day, "vol-3")));
        Assert.Empty(await log.ReadAuditAsync(day, "vol-2"));
        Assert.Empty(await log.ReadAuditAsync(day.AddDays(-1), null));
    }

    [Fact]
    public async Task An_append_over_midnight_writes_a_row_per_day_and_each_day_reads_its_own()
    {
        var (log, table) = await NewLogAsync();
        var events = Enumerable.Range(1, 3).Select(n => Event(n, $"visit-{n}")).ToList();
        var before = Audit("vol-1", "visit-1", 201) with { At = new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero) };
        var after = Audit("vol-2", "visit-2", 201) with { At = new DateTimeOffset(2026, 12, 1, 0, 0, 1, TimeSpan.Zero) };
        var later = Audit("vol-3", "visit-3", 200) with { At = new DateTimeOffset(2026, 12, 1, 0, 0, 2, TimeSpan.Zero) };

        await log.AppendAsync(0, events, cursor: 0, audits: [before, after, later]);

        Assert.Equal(["a|20261130|0000000000000001", "a|20261201|0000000000000003"], (await AuditRowsAsync(table)).Select(r => r.RowKey));
        Assert.Equal([before], await log.ReadAuditAsync(new DateOnly(2026, 11, 30), null));
        Assert.Equal([after, later], await log.ReadAuditAsync(new DateOnly(2026, 12, 1), null));
    }

    [Fact]
    public async Task Audit_rows_of_one_entry_each_written_before_are_read_beside_an_appends_row()
    {
        var (log, table) = await NewLogAsync();
        var old = Audit("vol-9", "visit-9", 201);
        await table.AddEntityAsync(AuditRow.ToEntity("p000", "a|20261201|0000000000000001", old));
        var stamped = Audit("vol-2", "visit-2", 201);

        await log.AppendAsync(0, [Event(2, "visit-2")], cursor: 1, audits: [stamped]);

        var day = new DateOnly(2026, 12, 1);
        Assert.Equal([old, stamped], await log.ReadAuditAsync(day, null));
        Assert.Equal([old], await log.ReadAuditAsync(day, "vol-9"));
    }

    [Fact]
    public async Task A_failed_transaction_writes_no_audit_row()
    {
        var (log, table) = await NewLogAsync();
        await log.AppendAsync(0, [Event(1, "visit-1")], cursor: 0);

        // The second event's step is stored already: the whole transaction fails, the first event's audit row with it.
        List<LedgerEvent> batch = [Event(2, "visit-2"), Event(3, "visit-1")];
        await Assert.ThrowsAsync<LedgerStepExistsException>(() => log.AppendAsync(0, batch, cursor: 1, audits: [Audit("vol-2", "visit-2", 201), Audit("vol-1", "visit-1", 201)]));

        Assert.Empty(await AuditRowsAsync(table));
        Assert.Empty(await log.ReadAuditAsync(new DateOnly(2026, 12, 1), null));
    }

    [Fact]
    public async Task A_new_step_stores_its_stamp_a_replay_or_a_failed_append_stores_none()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        var now = domain.Clock.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var stamp = Audit(volunteer, visitId, 201) with { At = now };
        var request = new CheckIn(volunteer, household, need, now.AddMinutes(-30), Seed.AtHome, stamp);

        domain.Ledger.FailNextAppends();
        await Assert.ThrowsAnyAsync<Exception>(() => visit.CheckIn(request));
        Assert.Empty(await domain.Ledger.ReadAuditAsync(day, volunteer));

        var first = await visit.CheckIn(request);
        Assert.True(first.Created && first.Audited);
        var replay = await visit.CheckIn(request);
        Assert.True(replay.Succeeded);
        Assert.False(replay.Audited);
        Assert.Equal(stamp, Assert.Single(await domain.Ledger.ReadAuditAsync(day, volunteer)));

        var checkOut = await visit.CheckOut(new CheckOut(volunteer, now.AddMinutes(-5), Seed.AtHome, ["elderly-visit"], null, stamp with { Status = 200 }));
        Assert.True(checkOut.Audited);
        Assert.Equal([200, 201], (await domain.Ledger.ReadAuditAsync(day, volunteer)).Select(e => e.Status).Order());
    }

    private async Task<(AzureTableVisitLog Log, TableClient Table)> NewLogAsync()
    {
        var name = "audit" + Guid.NewGuid().ToString("N")[..8];
        var service = new TableServiceClient(domain.Azurite.ConnectionString);
        var log = new AzureTableVisitLog(AzuriteTransactions.Tables(domain.Azurite.ConnectionString, new BoaiTableOptions { LedgerTable = name }), Options.Create(new LedgerOptions { Partitions = 1 }));
        await log.OpenAsync();
        return (log, service.GetTableClient(name));
    }

    private static async Task<List<TableEntity>> AuditRowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey gt {"a|"} and RowKey lt {"a|~"}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static LedgerEvent Event(long seq, string visitId) => new(0, seq, VisitStep.CheckedIn, new VisitRecord
    {
        VisitId = visitId,
        VolunteerId = "vol-" + visitId[^1],
        HouseholdId = "h1",
        DistrictId = "shiqi",
        CheckedInAt = At,
    });

    private static AuditEntry Audit(string sub, string visitId, int status) =>
        new(At, sub, "volunteer", "change", "POST", "/api/v1/visits/{visitId}/check-in", $"visitId={visitId}", status, "trace-" + visitId);
}
