using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Reports;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>Exports (CSV, names masked) and the volunteer service certificate, read from the hours ledger.</summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/districts/{districtId}/uncovered.csv", UncoveredCsv)
            .WithTags("Reports")
            .WithSummary("The uncovered needs as CSV (UTF-8 with BOM), oldest first.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/districts/{districtId}/hours.csv", HoursCsv)
            .WithTags("Reports")
            .WithSummary("Hours per volunteer for a month (?month=2026-11, default this month) from the ledger, names masked.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        api.MapGet("/volunteers/{volunteerId}/certificate", Certificate)
            .WithTags("Reports")
            .WithSummary("A print-ready volunteer service certificate (志愿服务证明) from certified visits of a period (?from=&to=, yyyy-MM-dd).")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> UncoveredCsv(
        string districtId, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue, LocalCalendar calendar, TimeProvider time)
    {
        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var district = grains.GetGrain<IDistrictGrain>(districtId);
        var uncovered = await district.GetUncovered();
        var communities = (await district.GetHouseholds()).ToDictionary(h => h.HouseholdId, h => h.Community, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var csv = new CsvWriter().Row("needId", "householdId", "community", "itemId", "item", "category", "reason", "since", "uncoveredHours");
        foreach (var need in uncovered.OrderBy(n => n.Since))
        {
            csv.Row(
                need.NeedId,
                need.HouseholdId,
                communities.GetValueOrDefault(need.HouseholdId),
                need.ItemId,
                catalogue.Find(need.ItemId)?.Name,
                need.Category,
                need.Reason.ToContract(),
                calendar.InZone(need.Since),
                Math.Round((now - need.Since).TotalHours, 1));
        }

        return CsvWriter.File(csv, $"uncovered-{districtId}-{calendar.Today:yyyy-MM-dd}.csv");
    }

    private static async Task<IResult> HoursCsv(
        string districtId,
        string? month,
        Caller caller,
        Access access,
        IGrainFactory grains,
        [FromServices] IVisitLedger ledger,
        LocalCalendar calendar,
        ReportCache reports,
        CancellationToken cancellationToken)
    {
        if (!calendar.TryMonth(month, out var first))
        {
            return ApiProblems.Invalid("month", "格式 yyyy-MM，2000-01 到 2099-12 / A month as yyyy-MM, 2000-01 to 2099-12");
        }

        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var csv = await reports.GetOrCreateAsync(
            $"hours.csv|{districtId}|{first:yyyy-MM}",
            () => HoursCsvAsync(districtId, first, grains, ledger, calendar, cancellationToken));
        return CsvWriter.File(csv, $"hours-{districtId}-{first:yyyy-MM}.csv");
    }

    private static async Task<CsvWriter> HoursCsvAsync(
        string districtId, DateOnly first, IGrainFactory grains, IVisitLedger ledger, LocalCalendar calendar, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, (int Visits, double Certified, double Pending, double Rejected)>(StringComparer.Ordinal);
        await foreach (var visit in ledger.ReadDistrictAsync(districtId, calendar.StartOf(first), calendar.StartOf(first.AddMonths(1)), cancellationToken))
        {
            var row = rows.GetValueOrDefault(visit.Entry.VolunteerId);
            row.Visits++;
            switch (visit.Status)
            {
                case VisitStatus.Certified:
                    row.Certified += visit.Entry.Hours;
                    break;
                case VisitStatus.Rejected:
                    row.Rejected += visit.Entry.Hours;
                    break;
                default:
                    row.Pending += visit.Entry.Hours;
                    break;
            }

            rows[visit.Entry.VolunteerId] = row;
        }

        var names = (await grains.GetGrain<IDistrictGrain>(districtId).GetVolunteers())
            .ToDictionary(v => v.VolunteerId, v => v.MaskedName, StringComparer.Ordinal);
        var csv = new CsvWriter().Row("volunteerId", "name", "month", "visits", "certifiedHours", "pendingHours", "rejectedHours");
        foreach (var (volunteerId, row) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            // A volunteer who has since moved away is no longer on the district's list: ask the volunteer.
            var name = names.TryGetValue(volunteerId, out var listed)
                ? listed
                : (await grains.GetGrain<IVolunteerGrain>(volunteerId).Get())?.Profile.Name;
            csv.Row(
                volunteerId,
                Masking.Name(name),
                first.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                row.Visits,
                Math.Round(row.Certified, 2),
                Math.Round(row.Pending, 2),
                Math.Round(row.Rejected, 2));
        }

        return csv;
    }

    private static async Task<IResult> Certificate(
        string volunteerId,
        string? from,
        string? to,
        Caller caller,
        Access access,
        [FromServices] IVisitLedger ledger,
        ServiceCatalogue catalogue,
        DistrictDirectory districts,
        LocalCalendar calendar,
        IOptions<CertificateOptions> options,
        CancellationToken cancellationToken)
    {
        var v = new Validation();
        var today = calendar.Today;
        var (start, end) = v.Period(from, to, today);

        if (!v.IsValid)
        {
            return v.Problem();
        }

        var volunteer = await access.Volunteer(caller, volunteerId);
        if (volunteer.Denied is not null)
        {
            return volunteer.Denied;
        }

        var profile = volunteer.Value!.Profile;
        var visits = new List<LedgerVisit>();
        await foreach (var visit in ledger.ReadVolunteerAsync(volunteerId, calendar.StartOf(start), calendar.StartOf(end.AddDays(1)), cancellationToken))
        {
            visits.Add(visit);
        }

        var html = ServiceCertificate.Render(
            volunteerId, profile.Name, profile.VolunteerNumber, start, end, today, visits, catalogue, Issuer(options.Value, districts.Find(profile.DistrictId)));
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    private static ServiceCertificate.Issuer Issuer(CertificateOptions options, DistrictInfo? district)
    {
        var station = district is null ? null : options.Stations.GetValueOrDefault(district.DistrictId);
        var name = station?.StationName ?? options.StationName.Replace("{district}", district?.Name ?? string.Empty, StringComparison.Ordinal);
        return new ServiceCertificate.Issuer(name, station?.Handler ?? options.Handler, station?.Contact ?? options.Contact);
    }
}
