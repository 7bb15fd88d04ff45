using System.Text;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// CSV for spreadsheets: UTF-8 with a BOM (so Excel reads Chinese), CRLF rows, RFC 4180 quoting, and every cell that a
/// spreadsheet would take for a formula (<c>= + - @</c>, tab, CR) neutralised by a leading apostrophe.
/// </summary>
public sealed class CsvWriter
{
    private readonly StringBuilder _text = new();

    public CsvWriter Row(params object?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                _text.Append(',');
            }

            _text.Append(Cell(cells[i]));
        }

        _text.Append("\r\n");
        return this;
    }

    public byte[] ToBytes() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(_text.ToString())];

    public static string Cell(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            DateTimeOffset at => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    public static IResult File(CsvWriter csv, string fileName) =>
        TypedResults.File(csv.ToBytes(), "text/csv; charset=utf-8", fileName);
}
