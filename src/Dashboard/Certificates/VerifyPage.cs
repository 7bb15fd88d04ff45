using System.Globalization;
using System.Net;
using System.Text;

namespace Boai.Orleans.Dashboard.Certificates;

/// <summary>The public verification page, from the embedded template <c>verify.html</c> (its text is there, zh-CN then English).</summary>
public static class VerifyPage
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(VerifyPage).Assembly.GetManifestResourceStream("verify.html")
            ?? throw new InvalidOperationException("The verification page template is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    public static string Render(CertificateCheck c) => Fill(
        "found",
        ("number", c.CertificateNo),
        ("name", c.MaskedName),
        ("hours", c.CertifiedHours.ToString("0.##", CultureInfo.InvariantCulture)),
        ("visits", c.Visits.ToString(CultureInfo.InvariantCulture)),
        ("from", c.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("to", c.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("district", c.DistrictName),
        ("issued", c.IssuedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("status", c.Valid ? "valid" : "revoked"),
        ("revoked", c.RevokedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty));

    public static string NotFound(string number) => Fill("missing", ("number", number));

    private static string Fill(string state, params (string Key, string Value)[] values)
    {
        var html = Template.Value.Replace("{{state}}", state, StringComparison.Ordinal);
        foreach (var (key, value) in values)
        {
            html = html.Replace("{{" + key + "}}", WebUtility.HtmlEncode(value), StringComparison.Ordinal);
        }

        // Placeholders of the other state stay empty.
        return System.Text.RegularExpressions.Regex.Replace(html, @"\{\{[a-z]+\}\}", string.Empty);
    }
}
