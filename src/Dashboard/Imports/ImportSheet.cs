using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace Boai.Orleans.Dashboard.Imports;

/// <summary>A file that cannot be read as a table at all; nothing of it is applied. Its message is bilingual.</summary>
public sealed class ImportFileException(string message) : Exception(message);

/// <summary>One data row: its number as the spreadsheet shows it (the header is row 1) and its cells by column name.</summary>
public sealed record ImportRow(int Row, IReadOnlyDictionary<string, string> Cells)
{
    public string Get(string column) => Cells.GetValueOrDefault(column, string.Empty);
}

/// <summary>The rows of an uploaded workbook (.xlsx, first sheet) or CSV (UTF-8), read as text under canonical column names.</summary>
public sealed record ImportSheet(IReadOnlyDictionary<string, string> Headers, IReadOnlyList<ImportRow> Rows)
{
    /// <summary>More rows than this in one file is refused: a district's whole register fits many times over.</summary>
    public const int MaxRows = 20_000;

    /// <summary>A workbook is a zip: past this many uncompressed bytes it is refused before it is parsed (zip bombs).</summary>
    private const long MaxUnzippedBytes = 200L * 1024 * 1024;

    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>
    /// Reads <paramref name="content"/>: a workbook when it is one (by its bytes, whatever its name says), CSV when the
    /// name ends in .csv. Headers are matched to <paramref name="columns"/> by their Chinese or English names.
    /// </summary>
    public static ImportSheet Read(byte[] content, string? fileName, ImportColumns columns)
    {
        if (content.Length == 0)
        {
            throw new ImportFileException("文件为空 / The file is empty");
        }

        var isWorkbook = content.AsSpan().StartsWith(ZipMagic);
        var isCsv = fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true;
        List<string[]> table;
        if (isWorkbook)
        {
            table = ReadWorkbook(content);
        }
        else if (isCsv)
        {
            table = ReadCsv(content);
        }
        else
        {
            throw new ImportFileException("不是 Excel 工作簿 (.xlsx) 或 CSV 文件 / Not an Excel workbook (.xlsx) or a CSV file");
        }

        return FromTable(table, columns);
    }

    private static ImportSheet FromTable(List<string[]> table, ImportColumns columns)
    {
        if (table.Count == 0 || table[0].All(string.IsNullOrWhiteSpace))
        {
            throw new ImportFileException("第 1 行应为表头 / Row 1 must hold the column headers");
        }

        var header = table[0];
        var positions = new Dictionary<int, string>();
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var text = header[i].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (columns.Match(text) is not { } column)
            {
                throw new ImportFileException($"未知的列“{text}” / Unknown column \"{text}\" ({columns.Describe()})");
            }

            if (!headers.TryAdd(column.Name, text))
            {
                throw new ImportFileException($"列“{text}”重复 / Column \"{text}\" appears twice");
            }

            positions[i] = column.Name;
        }

        var missing = columns.All.Where(c => c.Required && !headers.ContainsKey(c.Name)).ToList();
        if (missing.Count > 0)
        {
            throw new ImportFileException(
                "缺少列 / Missing columns: " + string.Join(", ", missing.Select(c => $"{c.Chinese} ({c.Name})")));
        }

        var rows = new List<ImportRow>();
        for (var r = 1; r < table.Count; r++)
        {
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (position, name) in positions)
            {
                cells[name] = position < table[r].Length ? table[r][position].Trim() : string.Empty;
            }

            if (cells.Values.All(string.IsNullOrEmpty))
            {
                continue;
            }

            rows.Add(new ImportRow(r + 1, cells));
        }

        if (rows.Count == 0)
        {
            throw new ImportFileException("没有数据行 / The file has no data rows");
        }

        if (rows.Count > MaxRows)
        {
            throw new ImportFileException($"最多 {MaxRows} 行 / At most {MaxRows} rows per file");
        }

        return new ImportSheet(headers, rows);
    }

    private static List<string[]> ReadWorkbook(byte[] content)
    {
        try
        {
            CheckWorkbookParts(content);
            using var stream = new MemoryStream(content, writable: false);
            var table = new List<string[]>();
            foreach (IDictionary<string, object?> row in MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX))
            {
                table.Add([.. row.Values.Select(Text)]);
            }

            return table;
        }
        catch (ImportFileException)
        {
            throw;
        }
        catch (Exception ex) when (ex is InvalidDataException or XmlException or InvalidOperationException or IOException
            or FormatException or NotSupportedException or ArgumentException or KeyNotFoundException or NullReferenceException)
        {
            throw new ImportFileException("无法读取 Excel 工作簿 / The workbook cannot be read");
        }
    }

    /// <summary>
    /// Refuses a workbook whose parts would unpack too large, or whose sheets hold formulas: a formula's value is
    /// whatever Excel last computed, not what the coordinator sees, so the file must hold plain values.
    /// </summary>
    private static void CheckWorkbookParts(byte[] content)
    {
        using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        if (zip.Entries.Sum(e => e.Length) > MaxUnzippedBytes)
        {
            throw new ImportFileException("工作簿解压后过大 / The workbook unpacks too large");
        }

        if (zip.GetEntry("xl/workbook.xml") is null)
        {
            throw new ImportFileException("不是 Excel 工作簿 (.xlsx) / Not an Excel workbook (.xlsx)");
        }

        foreach (var sheet in zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = XmlReader.Create(sheet.Open(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "f")
                {
                    throw new ImportFileException("单元格含公式，请粘贴为数值后再导入 / Cells hold formulas: paste them as values, then import again");
                }
            }
        }
    }

    private static List<string[]> ReadCsv(byte[] content)
    {
        string text;
        try
        {
            // Strict: a file saved in another encoding (GBK) would otherwise import as mojibake.
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new ImportFileException("CSV 须为 UTF-8 编码 / The CSV file must be UTF-8");
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var table = new List<string[]>();
        try
        {
            using var reader = new StringReader(text);
            using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null });
            while (parser.Read())
            {
                var record = parser.Record ?? [];
                if (record.Any(cell => cell.StartsWith('=')))
                {
                    throw new ImportFileException("单元格含公式，请保存为数值后再导入 / Cells hold formulas: save them as values, then import again");
                }

                table.Add(record);
            }
        }
        catch (CsvHelperException)
        {
            throw new ImportFileException("无法读取 CSV 文件 / The CSV file cannot be read");
        }

        return table;
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        // Phone numbers typed into Excel arrive as numbers: 13800001234, never 1.38E+10.
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => d.ToString("0", CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
