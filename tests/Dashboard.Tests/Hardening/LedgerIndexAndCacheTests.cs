using System.Net;
using System.Text;
using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Finding 4: a volunteer's records are one partition read; the district month report is computed once per period.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LedgerIndexAndCacheTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_volunteers_records_are_read_from_their_own_partition_of_the_index()
    {
        var ledger = fixture.Dashboard.Get<IVisitLedger>();
        var districtLedger = fixture.Dashboard.Get<AzureTableVisitLedger>();
        var volunteer = NewId("v");
        var at = DateTimeOffset.UtcNow.AddHours(-3);
        var indexed = Entry(NewId("visit"), volunteer, at);
        var unindexed = Entry(NewId("visit"), volunteer, at.AddMinutes(10));

        await ledger.AppendAsync(indexed);
        await ledger.AppendDecisionAsync(new LedgerDecision(indexed.VisitId, volunteer, "shiqi", at, Model.VisitStatus.Certified, "coord-1", at.AddHours(1), null));
        // Written to the district's partition only: a scan of the ledger by volunteer would find it, the partition read does not.
        await districtLedger.AppendAsync(unindexed);

        var read = await ledger.ReadVolunteerAsync(volunteer, at.AddDays(-1), at.AddDays(1)).ToListAsync();

        var visit = Assert.Single(read);
        Assert.Equal(indexed.VisitId, visit.Entry.VisitId);
        Assert.Equal(Model.VisitStatus.Certified, visit.Status);
        Assert.Empty(await ledger.ReadVolunteerAsync(volunteer, at.AddDays(1), at.AddDays(2)).ToListAsync());
        // District reports still read the ledger's own partitions.
        var district = await ledger.ReadDistrictAsync("shiqi", at.AddHours(-1), at.AddHours(1)).ToListAsync();
        Assert.Contains(district, v => v.Entry.VisitId == unindexed.VisitId);
    }

    [Fact]
    public async Task A_ledger_from_before_the_index_is_copied_into_it_once()
    {
        var id = "t" + Guid.NewGuid().ToString("N")[..10];
        var tables = new BoaiTables(
            new TableServiceClient(fixture.Azurite.ConnectionString),
            new BoaiTableOptions { LedgerTable = id + "Ledger", DistrictTable = id + "Districts", AuditTable = id + "Audit", VolunteerLedgerTable = id + "Index" });
        var rules = Options.Create(new ServiceRulesOptions());
        await using var districtLedger = new AzureTableVisitLedger(tables, rules, NullLogger<AzureTableVisitLedger>.Instance);
        var index = new VolunteerLedgerIndex(districtLedger, tables);
        var volunteer = NewId("v");
        var at = new DateTimeOffset(2024, 3, 5, 9, 0, 0, TimeSpan.FromHours(8));
        var old = Entry(NewId("visit"), volunteer, at, "shiqi");
        await districtLedger.AppendAsync(old);
        await districtLedger.AppendDecisionAsync(new LedgerDecision(old.VisitId, volunteer, "shiqi", at, Model.VisitStatus.Certified, "coord-1", at.AddDays(1), null));
        Assert.Empty(await index.ReadVolunteerAsync(volunteer).ToListAsync());

        using var backfill = new VolunteerLedgerIndexBackfill(
            index, districtLedger, tables, fixture.Dashboard.Get<Districts.DistrictDirectory>(), TimeProvider.System, NullLogger<VolunteerLedgerIndexBackfill>.Instance);
        await backfill.StartAsync(CancellationToken.None);
        await backfill.ExecuteTask!;

        var visit = Assert.Single(await index.ReadVolunteerAsync(volunteer).ToListAsync());
        Assert.Equal(old.VisitId, visit.Entry.VisitId);
        Assert.Equal(Model.VisitStatus.Certified, visit.Status);
    }

    [Fact]
    public async Task The_hours_report_is_computed_once_per_cache_period()
    {
        var cached = fixture.NewDashboard(new Dictionary<string, string?> { ["Reports:CacheDuration"] = "00:10:00" });
        var coordinator = cached.Coordinator("tanzhou");
        var at = DateTimeOffset.UtcNow.AddMinutes(-90);
        var month = at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var first = await Csv(coordinator, month);
        var volunteer = NewId("v");
        await cached.Get<IVisitLedger>().AppendAsync(Entry(NewId("visit"), volunteer, at, "tanzhou"));

        Assert.Equal(first, await Csv(coordinator, month));
        Assert.DoesNotContain(volunteer, first, StringComparison.Ordinal);
        // Without the cache (the shared test dashboard) the same month shows the new visit at once.
        Assert.Contains(volunteer, await Csv(fixture.Dashboard.Coordinator("tanzhou"), month), StringComparison.Ordinal);
    }

    private static async Task<string> Csv(HttpClient client, string month)
    {
        using var response = await client.GetAsync($"/api/v1/districts/tanzhou/hours.csv?month={month}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
    }

    private static LedgerEntry Entry(string visitId, string volunteerId, DateTimeOffset at, string districtId = "shiqi") => new(
        visitId, volunteerId, "h-index", districtId, null, at, at.AddHours(1), 60, 1, [], ["elderly-visit"], null, false, null, at.AddHours(1));
}
