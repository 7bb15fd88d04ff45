using System.Net;
using System.Text;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Certificates;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Reports;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Certificates;

public sealed record RevokeBody(string? Reason);

/// <summary>What anyone holding the certificate number may see: nothing that identifies the volunteer beyond a masked name.</summary>
public sealed record CertificateCheck(
    string CertificateNo,
    string MaskedName,
    double CertifiedHours,
    int Visits,
    DateOnly From,
    DateOnly To,
    string DistrictId,
    string DistrictName,
    DateTimeOffset IssuedAt,
    bool Valid,
    DateTimeOffset? RevokedAt)
{
    public static CertificateCheck Of(CertificateView c) => new(
        c.CertificateNo, c.Issue.MaskedName, c.Issue.CertifiedHours, c.Issue.Visits, c.Issue.From, c.Issue.To, c.Issue.DistrictId,
        c.Issue.DistrictName, c.Issue.IssuedAt, c.Valid, c.Revocation?.At);
}

/// <summary>
/// Certificates as PDF (志愿服务证明), each issue recorded in its <see cref="ICertificateGrain"/>; their public
/// verification page <c>/verify/{certificateNo}</c>; revocation by coordinators of the district and operators.
/// </summary>
public static class CertificatesApi
{
    public static RouteGroupBuilder MapCertificatesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/volunteers/{volunteerId}/certificate.pdf", Pdf)
            .WithTags("Certificates")
            .WithSummary("Issues the volunteer service certificate of a period (?from=&to=, yyyy-MM-dd; default this year) as a PDF with its number and verification QR code.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf").ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        api.MapGet("/certificates/{certificateNo}", Get)
            .WithTags("Certificates")
            .WithSummary("An issued certificate's record: whose, what it states, downloads, revocation. Coordinators of its district, operators.")
            .Produces<CertificateView>().ProducesProblem(403).ProducesProblem(404);
        api.MapPost("/certificates/{certificateNo}/revoke", Revoke)
            .WithTags("Certificates")
            .WithSummary("Revokes a certificate (body {reason}); the verification page then says it is revoked. Coordinators of its district, operators.")
            .Produces<CertificateView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>The public verification page: no token; 200 for a known number, 404 otherwise. JSON when asked for.</summary>
    public static IEndpointRouteBuilder MapCertificateVerification(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/verify/{certificateNo}", Verify)
            .AllowAnonymous()
            .WithTags("Certificates")
            .WithSummary("Public check of a certificate: masked name, certified hours, period, issuing district, valid or revoked. HTML, or JSON with Accept: application/json.")
            .Produces<CertificateCheck>().Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(404);
        return routes;
    }

    private static async Task<IResult> Pdf(
        string volunteerId,
        string? from,
        string? to,
        HttpContext http,
        Caller caller,
        Access access,
        IGrainFactory grains,
        [FromServices] IVisitLedger ledger,
        ServiceCatalogue catalogue,
        DistrictDirectory districts,
        LocalCalendar calendar,
        AuditLog audit,
        TimeProvider time,
        IOptions<CertificateOptions> options)
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

        if (!CertificateFont.TryInstall(options.Value.FontPath))
        {
            return TypedResults.Problem(title: ApiProblems.UnavailableTitle, detail: CertificateFont.MissingDetail, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var certified = new List<LedgerVisit>();
        await foreach (var visit in ledger.ReadVolunteerAsync(volunteerId, calendar.StartOf(start), calendar.StartOf(end.AddDays(1)), http.RequestAborted))
        {
            if (visit.Status == VisitStatus.Certified)
            {
                certified.Add(visit);
            }
        }

        var profile = volunteer.Value!.Profile;
        var district = districts.Find(profile.DistrictId);
        var issue = new CertificateIssue(
            volunteerId,
            Masking.Name(profile.Name),
            profile.DistrictId,
            district?.Name ?? profile.DistrictId,
            start,
            end,
            Math.Round(certified.Sum(c => c.Entry.Hours), 2),
            certified.Count,
            caller.Sub,
            time.GetUtcNow());
        var number = CertificateGrain.NumberOf(issue);
        // Recorded before the PDF leaves: every number on paper can be verified.
        var outcome = await grains.GetGrain<ICertificateGrain>(number).Issue(issue);
        if (outcome.Failure is { } failure)
        {
            return ApiProblems.From(failure);
        }

        await audit.RecordAsync(
            new AuditEntry(time.GetUtcNow(), caller.Sub, caller.Role, AuditLog.Change, "ISSUE", "/api/v1/volunteers/{volunteerId}/certificate.pdf", $"volunteerId={volunteerId};certificateNo={number}", StatusCodes.Status200OK, http.TraceIdentifier),
            http.RequestAborted);

        var settings = options.Value;
        var station = district is null ? null : settings.Stations.GetValueOrDefault(district.DistrictId);
        var pdf = CertificatePdf.Render(
            new CertificatePdf.Content(
                number,
                profile.Name,
                profile.VolunteerNumber ?? volunteerId,
                outcome.Value!.Issue,
                certified,
                station?.StationName ?? settings.StationName.Replace("{district}", district?.Name ?? string.Empty, StringComparison.Ordinal),
                station?.Handler ?? settings.Handler,
                station?.Contact ?? settings.Contact,
                today,
                VerifyUrl(http, settings, number)),
            catalogue);
        return TypedResults.File(pdf, "application/pdf", $"certificate-{number}.pdf");
    }

    private static async Task<IResult> Get(string certificateNo, Caller caller, Access access, IGrainFactory grains)
    {
        var certificate = await Guard(certificateNo, caller, access, grains);
        return certificate.Denied ?? TypedResults.Ok(certificate.Value);
    }

    private static async Task<IResult> Revoke(string certificateNo, RevokeBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var reason = v.Text("reason", body.Reason, 200);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var certificate = await Guard(certificateNo, caller, access, grains);
        if (certificate.Denied is not null)
        {
            return certificate.Denied;
        }

        return (await grains.GetGrain<ICertificateGrain>(certificateNo).Revoke(caller.Sub, reason)).ToOk(c => c);
    }

    private static async Task<Guarded<CertificateView>> Guard(string certificateNo, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.Staff(caller) is { } denied)
        {
            return Guarded<CertificateView>.Deny(denied);
        }

        if (!Ids.IsValid(certificateNo) || await grains.GetGrain<ICertificateGrain>(certificateNo).Get() is not { } certificate)
        {
            return Guarded<CertificateView>.Deny(ApiProblems.NotFound("证明不存在 / No such certificate"));
        }

        return caller.CoversDistrict(certificate.Issue.DistrictId)
            ? new Guarded<CertificateView>(certificate, null)
            : Guarded<CertificateView>.Deny(ApiProblems.Forbidden());
    }

    private static async Task<IResult> Verify(string certificateNo, HttpRequest request, IGrainFactory grains)
    {
        var certificate = Ids.IsValid(certificateNo) ? await grains.GetGrain<ICertificateGrain>(certificateNo).Get() : null;
        var wantsJson = request.Headers.Accept.Any(a => a?.Contains("json", StringComparison.OrdinalIgnoreCase) == true);
        if (certificate is null)
        {
            return wantsJson
                ? ApiProblems.NotFound("证明不存在 / No such certificate")
                : TypedResults.Content(VerifyPage.NotFound(certificateNo), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);
        }

        var check = CertificateCheck.Of(certificate);
        return wantsJson ? TypedResults.Ok(check) : TypedResults.Content(VerifyPage.Render(check), "text/html; charset=utf-8");
    }

    private static string VerifyUrl(HttpContext http, CertificateOptions options, string number)
    {
        var origin = string.IsNullOrEmpty(options.PublicBaseUrl) ? $"{http.Request.Scheme}://{http.Request.Host}" : options.PublicBaseUrl.TrimEnd('/');
        return $"{origin}/verify/{WebUtility.UrlEncode(number)}";
    }
}
