using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Reports;

/// <summary>
/// A volunteer service certificate (志愿服务证明) for a period, from the ledger's certified visits only, as print-ready
/// HTML. The same volunteer and period always get the same certificate number.
/// </summary>
public static class ServiceCertificate
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(ServiceCertificate).Assembly.GetManifestResourceStream("certificate.html")
            ?? throw new InvalidOperationException("The certificate template is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    public sealed record Issuer(string Station, string? Handler, string? Contact);

    public static string Number(string volunteerId, DateOnly from, DateOnly to)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{volunteerId}|{from:yyyy-MM-dd}|{to:yyyy-MM-dd}"));
        return $"BA{to:yyyy}-{Convert.ToHexString(hash, 0, 5)}";
    }

    public static string Render(
        string volunteerId,
        string name,
        string? volunteerNumber,
        DateOnly from,
        DateOnly to,
        DateOnly issued,
        IReadOnlyCollection<LedgerVisit> visits,
        ServiceCatalogue catalogue,
        Issuer issuer)
    {
        var certified = visits.Where(v => v.Status == VisitStatus.Certified).ToList();
        var hours = Math.Round(certified.Sum(v => v.Entry.Hours), 2);
        var rows = new StringBuilder();
        foreach (var group in certified
            .SelectMany(v => (v.Entry.Services.Count == 0 ? [string.Empty] : v.Entry.Services).Select(s => (service: s, visit: v)))
            .GroupBy(x => x.service)
            .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var label = catalogue.Find(group.Key)?.Name ?? "志愿服务";
            // A visit with several services counts its hours once per service: split them evenly.
            var groupHours = group.Sum(x => x.visit.Entry.Hours / Math.Max(1, x.visit.Entry.Services.Count));
            rows.Append(CultureInfo.InvariantCulture, $"      <tr><td>{Html(label)}</td><td>{group.Count()}</td><td>{groupHours:0.##}</td></tr>\n");
        }

        var blank = "<span class=\"line\"></span>";
        return Template.Value
            .Replace("{{number}}", Html(Number(volunteerId, from, to)), StringComparison.Ordinal)
            .Replace("{{name}}", Html(name), StringComparison.Ordinal)
            .Replace("{{volunteerNumber}}", Html(volunteerNumber ?? volunteerId), StringComparison.Ordinal)
            .Replace("{{from}}", Date(from), StringComparison.Ordinal)
            .Replace("{{to}}", Date(to), StringComparison.Ordinal)
            .Replace("{{station}}", Html(issuer.Station), StringComparison.Ordinal)
            .Replace("{{hours}}", hours.ToString("0.##", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{visits}}", certified.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{rows}}", rows.ToString().TrimEnd('\n'), StringComparison.Ordinal)
            .Replace("{{handler}}", string.IsNullOrEmpty(issuer.Handler) ? blank : Html(issuer.Handler), StringComparison.Ordinal)
            .Replace("{{contact}}", string.IsNullOrEmpty(issuer.Contact) ? blank : Html(issuer.Contact), StringComparison.Ordinal)
            .Replace("{{issued}}", Date(issued), StringComparison.Ordinal);
    }

    private static string Date(DateOnly day) => day.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
