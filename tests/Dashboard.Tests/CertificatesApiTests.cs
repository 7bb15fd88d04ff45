using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed partial class CertificatesApiTests(DashboardFixture fixture)
{
    private const string District = "sanxiang";
    private const string FullName = "欧阳明华";

    [Fact]
    public async Task A_certificate_pdf_holds_the_ledgers_hours_and_its_number_verifies_publicly_until_revoked()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var volunteerId = NewId("v");
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{volunteerId}", VolunteerBody(District, FullName, "13912340000")), HttpStatusCode.Created);
        var household = await fixture.Records.HouseholdAsync(District);
        var need = await fixture.Records.NeedAsync(household);
        await fixture.Records.PairingAsync(volunteerId, household, need);
        var phone = fixture.Dashboard.Volunteer(volunteerId);
        var hours = 0.0;
        foreach (var minutes in new[] { 65, 40 })
        {
            var visitId = NewId("visit");
            var start = DateTimeOffset.UtcNow.AddMinutes(-minutes - 1);
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(household, need, start)), HttpStatusCode.Created);
            var done = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(start.AddMinutes(minutes))), HttpStatusCode.OK);
            hours += done["hours"]!.GetValue<double>();
            await Expect(coordinator.PostAsync($"/api/v1/visits/{visitId}/certify", null), HttpStatusCode.OK);
        }

        // A pending visit does not count.
        var pending = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{pending}/check-in", CheckIn(household, need, DateTimeOffset.UtcNow.AddMinutes(-31))), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{pending}/check-out", CheckOut(DateTimeOffset.UtcNow.AddMinutes(-1))), HttpStatusCode.OK);

        using var pdf = await phone.GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var text = await PdfTextAsync(await pdf.Content.ReadAsByteArrayAsync());
        var number = CertificateNumber().Match(text).Value;
        Assert.False(string.IsNullOrEmpty(number), text);
        Assert.Contains($"/verify/{number}", text, StringComparison.Ordinal);
        Assert.Contains(FullName, text, StringComparison.Ordinal);
        // Lines wrap anywhere in Chinese: compare without white space.
        var flat = Regex.Replace(text, @"\s+", string.Empty);
        Assert.Contains($"共计{hours:0.##}小时", flat, StringComparison.Ordinal);
        Assert.Contains("服务2次", flat, StringComparison.Ordinal);

        var anonymous = fixture.Dashboard.CreateClient();
        using var page = await anonymous.GetAsync($"/verify/{number}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("欧**", html, StringComparison.Ordinal);
        Assert.Contains($"{hours:0.##} 小时", html, StringComparison.Ordinal);
        Assert.Contains("body class=\"found valid\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(FullName, html, StringComparison.Ordinal);
        Assert.DoesNotContain("明华", html, StringComparison.Ordinal);
        Assert.DoesNotContain("13912340000", html, StringComparison.Ordinal);
        Assert.DoesNotContain("悦来南路", html, StringComparison.Ordinal);
        Assert.DoesNotContain(volunteerId, html, StringComparison.Ordinal);

        var check = await VerifyJsonAsync(anonymous, number);
        Assert.True(check["valid"]!.GetValue<bool>());
        Assert.Equal(hours, check["certifiedHours"]!.GetValue<double>());
        Assert.Null(check["volunteerId"]);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/verify/BA2026-0000000000")).StatusCode);

        // Issuing is recorded; the same statement downloaded again is the same certificate.
        using var again = await coordinator.GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf");
        Assert.Contains(number, await PdfTextAsync(await again.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        var record = await Expect(coordinator.GetAsync($"/api/v1/certificates/{number}"), HttpStatusCode.OK);
        Assert.Equal(volunteerId, record["issue"]!["volunteerId"]!.GetValue<string>());
        Assert.Equal(2, record["downloads"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Dashboard.Coordinator("shiqi").PostAsJsonAsync($"/api/v1/certificates/{number}/revoke", new { reason = "错误" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await phone.PostAsJsonAsync($"/api/v1/certificates/{number}/revoke", new { reason = "错误" })).StatusCode);
        await Expect(coordinator.PostAsJsonAsync($"/api/v1/certificates/{number}/revoke", new { reason = "时长录入有误" }), HttpStatusCode.OK);

        Assert.False((await VerifyJsonAsync(anonymous, number))["valid"]!.GetValue<bool>());
        var revokedPage = await anonymous.GetStringAsync($"/verify/{number}");
        Assert.Contains("body class=\"found revoked\"", revokedPage, StringComparison.Ordinal);
        using var reissue = await phone.GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf");
        Assert.Equal(HttpStatusCode.Conflict, reissue.StatusCode);
    }

    [Fact]
    public async Task Only_the_volunteer_and_staff_of_their_district_get_the_certificate()
    {
        var volunteerId = await fixture.Records.VolunteerAsync(District);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Dashboard.Volunteer("someone-else").GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Dashboard.CreateClient().GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf")).StatusCode);
        var bad = await fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/volunteers/{volunteerId}/certificate.pdf?from=2026-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> VerifyJsonAsync(HttpClient client, string number)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/verify/{number}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await Expect(client.SendAsync(request), HttpStatusCode.OK);
    }

    /// <summary>The PDF's text as poppler's pdftotext reads it: proof the file opens and its text is real text.</summary>
    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        Assert.True(pdf.AsSpan().StartsWith("%PDF-"u8));
        var path = Path.Combine(Path.GetTempPath(), $"boai-certificate-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", "-layout", path, "-"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await error);
            return await output;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"BA\d{4}-[0-9A-F]{10}")]
    private static partial Regex CertificateNumber();
}
