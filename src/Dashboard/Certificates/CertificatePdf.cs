using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Certificates;
using Boai.Orleans.Ledger;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace Boai.Orleans.Dashboard.Certificates;

/// <summary>
/// The volunteer service certificate (志愿服务证明) as an A4 PDF: the volunteer's full name, the certified hours of
/// the period from the ledger, the services, the issuing station, the certificate number and a QR code of its public
/// verification address. Text is drawn with the embedded CJK font, so it is searchable and copyable.
/// </summary>
public static class CertificatePdf
{
    private const double Margin = 60;

    public sealed record Content(
        string CertificateNo,
        string Name,
        string VolunteerNumber,
        CertificateIssue Issue,
        IReadOnlyCollection<LedgerVisit> CertifiedVisits,
        string Station,
        string? Handler,
        string? Contact,
        DateOnly IssuedOn,
        string VerifyUrl);

    public static byte[] Render(Content c, ServiceCatalogue catalogue)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"志愿服务证明 {c.CertificateNo}";
        document.Info.Subject = "Volunteer service certificate";
        var page = document.AddPage();
        page.Size = PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            Draw(gfx, page.Width.Point, page.Height.Point, c, catalogue);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Draw(XGraphics gfx, double width, double height, Content c, ServiceCatalogue catalogue)
    {
        var title = new XFont(CertificateFont.Family, 26, XFontStyleEx.Bold);
        var subtitle = new XFont(CertificateFont.Family, 12);
        var body = new XFont(CertificateFont.Family, 13);
        var small = new XFont(CertificateFont.Family, 9.5);
        var red = new XSolidBrush(XColor.FromArgb(0xB4, 0x1E, 0x1E));

        gfx.DrawRectangle(new XPen(XColor.FromArgb(0xB4, 0x1E, 0x1E), 2), 30, 30, width - 60, height - 60);
        gfx.DrawString("志愿服务证明", title, red, new XRect(0, 70, width, 34), XStringFormats.Center);
        gfx.DrawString("Volunteer Service Certificate", subtitle, XBrushes.DimGray, new XRect(0, 106, width, 18), XStringFormats.Center);
        gfx.DrawString($"证书编号 / No. {c.CertificateNo}", small, XBrushes.Black, new XRect(Margin, 140, width - 2 * Margin, 14), XStringFormats.TopRight);

        var hours = c.Issue.CertifiedHours.ToString("0.##", CultureInfo.InvariantCulture);
        var text =
            $"兹证明 {c.Name}（志愿者编号 {c.VolunteerNumber}）于 {Date(c.Issue.From)} 至 {Date(c.Issue.To)} 期间参加博爱行动志愿服务，" +
            $"经社工站认证的服务时长共计 {hours} 小时，服务 {c.Issue.Visits} 次。特此证明。";
        var y = Paragraph(gfx, text, body, Margin, 180, width - 2 * Margin, 24);
        y = Paragraph(
            gfx,
            $"This certifies {hours} certified hours of volunteer service in {c.Issue.Visits} visits from {c.Issue.From:yyyy-MM-dd} to {c.Issue.To:yyyy-MM-dd}.",
            subtitle,
            Margin,
            y + 6,
            width - 2 * Margin,
            17);

        y = Table(gfx, c, catalogue, body, small, y + 20, width);

        var station = new XRect(width / 2, Math.Max(y + 40, 560), width / 2 - Margin, 20);
        gfx.DrawString($"出具单位：{c.Station}", body, XBrushes.Black, station, XStringFormats.TopLeft);
        gfx.DrawString($"经办人：{c.Handler ?? "__________"}", body, XBrushes.Black, Offset(station, 24), XStringFormats.TopLeft);
        gfx.DrawString($"联系电话：{c.Contact ?? "__________"}", body, XBrushes.Black, Offset(station, 48), XStringFormats.TopLeft);
        gfx.DrawString($"出具日期：{Date(c.IssuedOn)}", body, XBrushes.Black, Offset(station, 72), XStringFormats.TopLeft);

        const double qrSize = 110;
        var qrTop = height - Margin - qrSize - 40;
        Qr(gfx, c.VerifyUrl, Margin, qrTop, qrSize);
        gfx.DrawString("扫码核验真伪 / Scan to verify", small, XBrushes.Black, new XRect(Margin + qrSize + 12, qrTop + 36, 300, 14), XStringFormats.TopLeft);
        Paragraph(gfx, c.VerifyUrl, small, Margin + qrSize + 12, qrTop + 54, width - 2 * Margin - qrSize - 12, 13);
    }

    private static double Table(XGraphics gfx, Content c, ServiceCatalogue catalogue, XFont body, XFont small, double y, double width)
    {
        var rows = c.CertifiedVisits
            .SelectMany(v => (v.Entry.Services.Count == 0 ? [string.Empty] : v.Entry.Services).Select(s => (Service: s, Visit: v)))
            .GroupBy(x => x.Service)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (
                Label: catalogue.Find(g.Key)?.Name ?? "志愿服务",
                Visits: g.Count(),
                // A visit of several services counts its hours once: split evenly between them.
                Hours: g.Sum(x => x.Visit.Entry.Hours / Math.Max(1, x.Visit.Entry.Services.Count))))
            .ToList();
        var left = Margin;
        var columns = new[] { width - 2 * Margin - 200, 100, 100 };
        var pen = new XPen(XColors.Gray, 0.6);
        string[] header = ["服务项目 / Service", "次数 / Visits", "时长 / Hours"];
        foreach (var cells in rows.Select(r => new[] { r.Label, r.Visits.ToString(CultureInfo.InvariantCulture), r.Hours.ToString("0.##", CultureInfo.InvariantCulture) }).Prepend(header))
        {
            var x = left;
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = new XRect(x, y, columns[i], 22);
                gfx.DrawRectangle(pen, cell);
                gfx.DrawString(cells[i], ReferenceEquals(cells, header) ? small : body, XBrushes.Black, new XRect(x + 6, y, columns[i] - 12, 22), XStringFormats.CenterLeft);
                x += columns[i];
            }

            y += 22;
        }

        return y;
    }

    /// <summary>
    /// Draws text wrapped at the width: between any two Chinese characters, but never inside a Latin word or number
    /// (a run of non-space ASCII stays whole).
    /// </summary>
    private static double Paragraph(XGraphics gfx, string text, XFont font, double x, double y, double width, double lineHeight)
    {
        var line = string.Empty;
        foreach (var token in Tokens(text))
        {
            if (line.Length > 0 && gfx.MeasureString(line + token, font).Width > width)
            {
                gfx.DrawString(line.TrimEnd(), font, XBrushes.Black, new XRect(x, y, width, lineHeight), XStringFormats.TopLeft);
                y += lineHeight;
                line = token.TrimStart();
                continue;
            }

            line += token;
        }

        if (line.Length > 0)
        {
            gfx.DrawString(line, font, XBrushes.Black, new XRect(x, y, width, lineHeight), XStringFormats.TopLeft);
            y += lineHeight;
        }

        return y;
    }

    private static IEnumerable<string> Tokens(string text)
    {
        var word = new System.Text.StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsAscii(ch) && !char.IsWhiteSpace(ch))
            {
                word.Append(ch);
                continue;
            }

            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }

            yield return ch.ToString();
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>The QR code as vector squares, so it prints sharp at any size.</summary>
    private static void Qr(XGraphics gfx, string url, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var module = size / matrix.Count;
        for (var row = 0; row < matrix.Count; row++)
        {
            for (var col = 0; col < matrix[row].Length; col++)
            {
                if (matrix[row][col])
                {
                    gfx.DrawRectangle(XBrushes.Black, x + (col * module), y + (row * module), module + 0.05, module + 0.05);
                }
            }
        }
    }

    private static XRect Offset(XRect rect, double dy) => new(rect.X, rect.Y + dy, rect.Width, rect.Height);

    private static string Date(DateOnly day) => day.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
}
