using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.MonthEnd;
using Boai.Orleans.Rules;
using Boai.Orleans.Supervision;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Reports;

public sealed record DayFigures(DateOnly Day, int Visits, double Hours);

public sealed record ServiceFigures(string ItemId, string Name, string NameEn, int Visits, double Hours);

/// <summary>
/// A district's month (月报): visits, hours and flags from the hours ledger; activity as the share of registered
/// volunteers who served in the month; coverage, households, uncovered needs and satisfaction as they stand now for
/// the current month, and as they stood at its end (<see cref="MonthEndFigures"/>) for a past one: null when no
/// month-end figures were recorded (before the service watched that month end), with <c>FiguresAt</c> saying when
/// they were taken and <c>FiguresSource</c> how (<c>live</c>, <c>monthEnd</c>); the supervision orders of the district.
/// </summary>
public sealed record MonthlyReport(
    string DistrictId,
    string Name,
    string NameEn,
    string Month,
    int Visits,
    double CertifiedHours,
    double PendingHours,
    double RejectedHours,
    int VolunteersServed,
    int RegisteredVolunteers,
    double ActivityRate,
    double? Coverage,
    int? Households,
    int? UncoveredNeeds,
    double? Satisfaction,
    int Late,
    int Flagged,
    IReadOnlyDictionary<string, int> Flags,
    IReadOnlyList<DayFigures> Days,
    IReadOnlyList<ServiceFigures> Services,
    IReadOnlyList<SupervisionOrder> Supervision,
    DateTimeOffset? FiguresAt,
    string? FiguresSource);

/// <summary>One district's line of the city overview (晒工效), ranked.</summary>
public sealed record CityRankLine(
    int Rank,
    string DistrictId,
    string Name,
    string NameEn,
    int Visits,
    double CertifiedHours,
    double ActivityRate,
    double? Coverage,
    double? Satisfaction,
    int Flagged,
    bool UnderSupervision);

public sealed record CityOverview(string Month, double ActivityThreshold, IReadOnlyList<CityRankLine> Districts);

public sealed record RecognisedVolunteer(
    int Rank, string VolunteerId, string MaskedName, double CertifiedHoursThisYear, int VisitsThisYear, int StarLevel, int StarLevelAtYearStart)
{
    public bool Promoted => StarLevel > StarLevelAtYearStart;
}

/// <summary>Yearly recognition (年度表彰): the district's volunteers by hours certified this year; star promotions this year.</summary>
public sealed record RecognitionList(string DistrictId, int Year, IReadOnlyList<RecognisedVolunteer> Volunteers, IReadOnlyList<RecognisedVolunteer> Promotions);

/// <summary>Builds the reports from the ledger (read only through <see cref="IVisitLedger"/>) and the districts' live figures.</summary>
public sealed class DistrictReports(
    IGrainFactory grains,
    IVisitLedger ledger,
    DistrictDirectory districts,
    ServiceCatalogue catalogue,
    LocalCalendar calendar,
    IOptions<ServiceRulesOptions> rules,
    IOptions<SupervisionOptions> supervision,
    TimeProvider time)
{
    public async Task<MonthlyReport> MonthlyAsync(string districtId, DateOnly first, CancellationToken cancellationToken)
    {
        var info = districts.Find(districtId)!;
        var district = grains.GetGrain<IDistrictGrain>(districtId);
        var summaryTask = district.GetSummary();
        var volunteersTask = district.GetVolunteers();
        var ordersTask = grains.GetGrain<ISupervisionGrain>(districtId).GetOrders();
        var today = calendar.Today;
        var past = first < new DateOnly(today.Year, today.Month, 1);
        var monthEndTask = past ? grains.GetGrain<IMonthEndGrain>(districtId).Get(Month(first)) : Task.FromResult<MonthEndFigures?>(null);
        var visits = await ReadMonthAsync(districtId, first, cancellationToken);
        var summary = await summaryTask;
        var volunteers = await volunteersTask;
        var standing = past ? await monthEndTask : MonthEndFigures.Of(Month(first), summary, volunteers, time.GetUtcNow());

        var days = Enumerable.Range(0, first.AddMonths(1).DayNumber - first.DayNumber)
            .Select(i => first.AddDays(i))
            .GroupJoin(visits, d => d, v => calendar.DayOf(v.Entry.CheckedInAt), (d, vs) => new DayFigures(d, vs.Count(), Round(vs.Sum(v => v.Entry.Hours))))
            .ToList();
        var services = visits
            .SelectMany(v => (v.Entry.Services.Count == 0 ? [string.Empty] : v.Entry.Services).Select(s => (Service: s, Visit: v)))
            .GroupBy(x => x.Service)
            .Select(g =>
            {
                var item = catalogue.Find(g.Key);
                return new ServiceFigures(
                    g.Key, item?.Name ?? "其他", item?.NameEn ?? "Other", g.Count(), Round(g.Sum(x => x.Visit.Entry.Hours / Math.Max(1, x.Visit.Entry.Services.Count))));
            })
            .OrderByDescending(s => s.Hours)
            .ToList();
        var flags = visits.SelectMany(v => v.Entry.Flags).GroupBy(f => f, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var served = visits.Select(v => v.Entry.VolunteerId).Distinct(StringComparer.Ordinal).Count();
        // The activity rate's denominator is the brigade as registered at the month's end when that was kept.
        var registered = past && standing is not null ? standing.RegisteredVolunteers : volunteers.Count(v => v.Status != VolunteerStatus.Left);
        return new MonthlyReport(
            districtId,
            info.Name,
            info.NameEn,
            Month(first),
            visits.Count,
            Round(visits.Where(v => v.Status == VisitStatus.Certified).Sum(v => v.Entry.Hours)),
            Round(visits.Where(v => v.Status == VisitStatus.CheckedOut).Sum(v => v.Entry.Hours)),
            Round(visits.Where(v => v.Status == VisitStatus.Rejected).Sum(v => v.Entry.Hours)),
            served,
            registered,
            registered == 0 ? 0 : Math.Round((double)Math.Min(served, registered) / registered, 3),
            standing?.Coverage,
            standing?.Households,
            standing?.UncoveredNeeds,
            standing?.Satisfaction,
            flags.GetValueOrDefault("late"),
            visits.Count(v => v.Entry.Flags.Count > 0),
            flags,
            days,
            services,
            await ordersTask,
            standing?.RecordedAt,
            standing is null ? null : past ? "monthEnd" : "live");
    }

    /// <summary>Every district's month side by side, ranked by activity rate, then certified hours (晒工效).</summary>
    public async Task<CityOverview> CityAsync(DateOnly first, CancellationToken cancellationToken)
    {
        var reports = new List<MonthlyReport>();
        foreach (var district in districts.All)
        {
            reports.Add(await MonthlyAsync(district.DistrictId, first, cancellationToken));
        }

        var lines = reports
            .OrderByDescending(r => r.ActivityRate)
            .ThenByDescending(r => r.CertifiedHours)
            .ThenBy(r => r.DistrictId, StringComparer.Ordinal)
            .Select((r, i) => new CityRankLine(
                i + 1, r.DistrictId, r.Name, r.NameEn, r.Visits, r.CertifiedHours, r.ActivityRate, r.Coverage, r.Satisfaction, r.Flagged, r.Supervision.Any(o => o.Open)))
            .ToList();
        return new CityOverview(Month(first), supervision.Value.ActivityThreshold, lines);
    }

    public async Task<RecognitionList> RecognitionAsync(string districtId, int year, CancellationToken cancellationToken)
    {
        var first = new DateOnly(year, 1, 1);
        var hours = new Dictionary<string, (double Hours, int Visits)>(StringComparer.Ordinal);
        await foreach (var visit in ledger.ReadDistrictAsync(districtId, calendar.StartOf(first), calendar.StartOf(first.AddYears(1)), cancellationToken))
        {
            if (visit.Status == VisitStatus.Certified)
            {
                var row = hours.GetValueOrDefault(visit.Entry.VolunteerId);
                hours[visit.Entry.VolunteerId] = (row.Hours + visit.Entry.Hours, row.Visits + 1);
            }
        }

        var volunteers = (await grains.GetGrain<IDistrictGrain>(districtId).GetVolunteers()).ToDictionary(v => v.VolunteerId, StringComparer.Ordinal);
        var list = hours
            .Where(h => volunteers.ContainsKey(h.Key))
            .OrderByDescending(h => h.Value.Hours)
            .ThenBy(h => h.Key, StringComparer.Ordinal)
            .Select((h, i) =>
            {
                var v = volunteers[h.Key];
                // Stars come from all certified hours; those certified before this year give the level the year began with.
                var before = Math.Max(0, v.CertifiedHours - h.Value.Hours);
                return new RecognisedVolunteer(
                    i + 1, h.Key, v.MaskedName, Round(h.Value.Hours), h.Value.Visits, v.StarLevel, HoursRules.StarLevel(before, rules.Value));
            })
            .ToList();
        return new RecognitionList(districtId, year, list, [.. list.Where(v => v.Promoted)]);
    }

    public async Task<List<LedgerVisit>> ReadMonthAsync(string districtId, DateOnly first, CancellationToken cancellationToken)
    {
        var visits = new List<LedgerVisit>();
        await foreach (var visit in ledger.ReadDistrictAsync(districtId, calendar.StartOf(first), calendar.StartOf(first.AddMonths(1)), cancellationToken))
        {
            visits.Add(visit);
        }

        return visits;
    }

    public static string Month(DateOnly first) => first.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 2);
}
