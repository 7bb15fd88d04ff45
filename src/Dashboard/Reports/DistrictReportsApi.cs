using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;
using MiniExcelLibs;

namespace Boai.Orleans.Dashboard.Reports;

/// <summary>
/// The monthly report (月报), the city overview (晒工效), the yearly recognition list (年度表彰), and exports: the
/// national volunteer system's hours workbook, and the district's volunteers and households (masked unless
/// <c>?full=true</c>, which is audited).
/// </summary>
public static class DistrictReportsApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static RouteGroupBuilder MapDistrictReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup(string.Empty).WithTags("Reports");
        reports.MapGet("/districts/{districtId}/reports/monthly", Monthly)
            .WithSummary("A district's month (?month=yyyy-MM, default this month): visits, hours, activity, coverage, satisfaction, late and flagged visits, by day and by service, and its supervision orders.")
            .Produces<MonthlyReport>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        reports.MapGet("/reports/city", City)
            .WithSummary("Every district's month side by side, ranked by activity rate then certified hours (晒工效). Figures only, no personal data: staff.")
            .Produces<CityOverview>().ProducesValidationProblem().ProducesProblem(403);
        reports.MapGet("/districts/{districtId}/reports/recognition", Recognition)
            .WithSummary("Yearly recognition (?year=, default this year): volunteers by hours certified that year (names masked), and star promotions that year.")
            .Produces<RecognitionList>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        reports.MapGet("/districts/{districtId}/exports/national-hours.xlsx", NationalHours)
            .WithSummary("Certified hours of the month (?month=yyyy-MM) in the column layout the national volunteer system (全国志愿服务信息系统) imports; see docs/EXPORTS.md. Full names: audited.")
            .WithMetadata(AuditedRead.Instance)
            .Produces(StatusCodes.Status200OK, contentType: Xlsx).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        reports.MapGet("/districts/{districtId}/exports/volunteers.csv", VolunteersCsv)
            .WithSummary("The district's volunteers as CSV with the import file's columns; names and phones masked unless ?full=true (audited).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(403).ProducesProblem(404);
        reports.MapGet("/districts/{districtId}/exports/households.csv", HouseholdsCsv)
            .WithSummary("The district's households as CSV with the import file's columns, one member per row; names and addresses masked unless ?full=true (audited).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Monthly(
        string districtId, string? month, Caller caller, Access access, LocalCalendar calendar, DistrictReports reports, CancellationToken cancellationToken)
    {
        if (!calendar.TryMonth(month, out var first))
        {
            return ApiProblems.Invalid("month", "格式 yyyy-MM / A month as yyyy-MM");
        }

        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await reports.MonthlyAsync(districtId, first, cancellationToken));
    }

    private static async Task<IResult> City(string? month, Caller caller, Access access, LocalCalendar calendar, DistrictReports reports, CancellationToken cancellationToken)
    {
        if (!calendar.TryMonth(month, out var first))
        {
            return ApiProblems.Invalid("month", "格式 yyyy-MM / A month as yyyy-MM");
        }

        return access.Staff(caller) ?? TypedResults.Ok(await reports.CityAsync(first, cancellationToken));
    }

    private static async Task<IResult> Recognition(
        string districtId, int? year, Caller caller, Access access, LocalCalendar calendar, DistrictReports reports, CancellationToken cancellationToken)
    {
        if (year is < 2000 or > 2100)
        {
            return ApiProblems.Invalid("year", "2000 到 2100 / Between 2000 and 2100");
        }

        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await reports.RecognitionAsync(districtId, year ?? calendar.Today.Year, cancellationToken));
    }

    /// <summary>One row per volunteer with certified hours in the month; the layout is documented in docs/EXPORTS.md.</summary>
    private static async Task<IResult> NationalHours(
        string districtId,
        string? month,
        Caller caller,
        Access access,
        IGrainFactory grains,
        LocalCalendar calendar,
        DistrictReports reports,
        ServiceCatalogue catalogue,
        DistrictDirectory districts,
        CancellationToken cancellationToken)
    {
        if (!calendar.TryMonth(month, out var first))
        {
            return ApiProblems.Invalid("month", "格式 yyyy-MM / A month as yyyy-MM");
        }

        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        var certified = (await reports.ReadMonthAsync(districtId, first, cancellationToken))
            .Where(v => v.Status == VisitStatus.Certified)
            .GroupBy(v => v.Entry.VolunteerId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var rows = new List<Dictionary<string, object?>>();
        foreach (var volunteer in certified)
        {
            var profile = (await grains.GetGrain<IVolunteerGrain>(volunteer.Key).Get())?.Profile;
            var visits = volunteer.OrderBy(v => v.Entry.CheckedInAt).ToList();
            var services = visits.SelectMany(v => v.Entry.Services).Distinct(StringComparer.Ordinal).Select(s => catalogue.Find(s)?.Name ?? s);
            rows.Add(new Dictionary<string, object?>
            {
                ["序号"] = rows.Count + 1,
                ["姓名"] = profile?.Name ?? string.Empty,
                ["证件类型"] = string.Empty,
                ["证件号码"] = string.Empty,
                ["手机号码"] = profile?.Phone ?? string.Empty,
                ["志愿者编号"] = profile?.VolunteerNumber ?? string.Empty,
                ["服务项目"] = string.Join('、', services),
                ["服务开始日期"] = calendar.DayOf(visits[0].Entry.CheckedInAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["服务结束日期"] = calendar.DayOf(visits[^1].Entry.CheckedOutAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["服务时长（小时）"] = Math.Round(visits.Sum(v => v.Entry.Hours), 2),
                ["服务次数"] = visits.Count,
                ["服务地区"] = districts.Find(districtId)?.Name ?? districtId,
                ["备注"] = volunteer.Key,
            });
        }

        // The header is written as the first row, so an empty month still has it.
        var output = new MemoryStream();
        var sheet = rows.Prepend(NationalHeader.ToDictionary(h => h, h => (object?)h)).ToList();
        await MiniExcel.SaveAsAsync(output, sheet, printHeader: false, excelType: ExcelType.XLSX, cancellationToken: cancellationToken);
        return TypedResults.File(output.ToArray(), Xlsx, $"national-hours-{districtId}-{first:yyyy-MM}.xlsx");
    }

    private static readonly string[] NationalHeader =
        ["序号", "姓名", "证件类型", "证件号码", "手机号码", "志愿者编号", "服务项目", "服务开始日期", "服务结束日期", "服务时长（小时）", "服务次数", "服务地区", "备注"];

    private static async Task<IResult> VolunteersCsv(
        string districtId, bool? full, HttpContext http, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue, AuditLog audit, TimeProvider time)
    {
        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        var csv = new CsvWriter().Row("义工编号", "姓名", "手机号", "技能", "状态", "认证时长", "星级", "最近服务");
        foreach (var summary in (await grains.GetGrain<IDistrictGrain>(districtId).GetVolunteers()).OrderBy(v => v.VolunteerId, StringComparer.Ordinal))
        {
            var profile = (await grains.GetGrain<IVolunteerGrain>(summary.VolunteerId).Get())?.Profile;
            csv.Row(
                summary.VolunteerId,
                full == true ? profile?.Name : summary.MaskedName,
                full == true ? profile?.Phone : Masking.Phone(profile?.Phone),
                string.Join(';', summary.Skills.Select(s => catalogue.Skills.FirstOrDefault(k => k.SkillId == s)?.Name ?? s)),
                summary.Status.ToContract(),
                summary.CertifiedHours,
                summary.StarLevel,
                summary.LastServedAt);
        }

        await AuditFullAsync(full, http, caller, audit, time, districtId);
        return CsvWriter.File(csv, $"volunteers-{districtId}{(full == true ? "-full" : string.Empty)}.csv");
    }

    private static async Task<IResult> HouseholdsCsv(
        string districtId, bool? full, HttpContext http, Caller caller, Access access, IGrainFactory grains, AuditLog audit, TimeProvider time)
    {
        if ((access.Staff(caller) ?? access.District(caller, districtId)) is { } denied)
        {
            return denied;
        }

        var csv = new CsvWriter().Row("家庭编号", "社区", "地址", "纬度", "经度", "类别", "成员姓名", "成员年龄", "风险等级", "未结需求", "未覆盖需求");
        foreach (var summary in (await grains.GetGrain<IDistrictGrain>(districtId).GetHouseholds()).OrderBy(h => h.HouseholdId, StringComparer.Ordinal))
        {
            if (await grains.GetGrain<IHouseholdGrain>(summary.HouseholdId).Get() is not { } file)
            {
                continue;
            }

            var p = file.Profile;
            foreach (var member in p.Members)
            {
                csv.Row(
                    summary.HouseholdId,
                    p.Community,
                    full == true ? p.Address : "***",
                    // A point on the map finds the door as well as the address does.
                    full == true ? p.Location?.Lat : null,
                    full == true ? p.Location?.Lng : null,
                    p.Category,
                    full == true ? member.Name : Masking.Name(member.Name),
                    member.Age,
                    p.RiskLevel.ToContract(),
                    summary.OpenNeeds,
                    summary.Uncovered.Count);
            }
        }

        await AuditFullAsync(full, http, caller, audit, time, districtId);
        return CsvWriter.File(csv, $"households-{districtId}{(full == true ? "-full" : string.Empty)}.csv");
    }

    /// <summary>A full (unmasked) export is a read of every file in it: audited like a full file read.</summary>
    private static Task AuditFullAsync(bool? full, HttpContext http, Caller caller, AuditLog audit, TimeProvider time, string districtId) =>
        full == true
            ? audit.RecordAsync(
                new AuditEntry(
                    time.GetUtcNow(), caller.Sub, caller.Role, AuditLog.Read, "GET", (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? string.Empty,
                    $"districtId={districtId};full=true", StatusCodes.Status200OK, http.TraceIdentifier),
                http.RequestAborted)
            : Task.CompletedTask;
}
