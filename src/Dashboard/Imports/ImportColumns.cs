namespace Boai.Orleans.Dashboard.Imports;

/// <summary>A column of an import file: its canonical (English) name, the template's Chinese header, other accepted names.</summary>
public sealed record ImportColumn(string Name, string Chinese, bool Required, params string[] Aliases);

/// <summary>The columns of one kind of import file, matched by Chinese or English header (case and spaces ignored).</summary>
public sealed class ImportColumns
{
    private readonly Dictionary<string, ImportColumn> _byHeader = new(StringComparer.OrdinalIgnoreCase);

    public ImportColumns(params ImportColumn[] columns)
    {
        All = columns;
        foreach (var column in columns)
        {
            foreach (var name in column.Aliases.Append(column.Name).Append(column.Chinese))
            {
                _byHeader[Normalize(name)] = column;
            }
        }
    }

    public IReadOnlyList<ImportColumn> All { get; }

    public static ImportColumns Volunteers { get; } = new(
        new ImportColumn("volunteerId", "义工编号", true, "id"),
        new ImportColumn("name", "姓名", true),
        new ImportColumn("phone", "手机号", true, "手机", "电话", "联系电话"),
        new ImportColumn("skills", "技能", false, "特长"),
        new ImportColumn("status", "状态", false));

    public static ImportColumns Households { get; } = new(
        new ImportColumn("householdId", "家庭编号", true, "id", "档案编号"),
        new ImportColumn("community", "社区", true, "村居", "社区/村"),
        new ImportColumn("address", "地址", true, "住址"),
        new ImportColumn("lat", "纬度", false, "latitude"),
        new ImportColumn("lng", "经度", false, "longitude", "lon"),
        new ImportColumn("category", "类别", true, "服务对象类别"),
        new ImportColumn("memberName", "成员姓名", true, "服务对象姓名", "姓名"),
        new ImportColumn("memberAge", "成员年龄", false, "年龄"),
        new ImportColumn("needs", "需求", false, "服务需求"));

    public ImportColumn? Match(string header) => _byHeader.GetValueOrDefault(Normalize(header));

    public string Describe() => string.Join(", ", All.Select(c => $"{c.Chinese}/{c.Name}"));

    private static string Normalize(string header) => header.Replace(" ", string.Empty, StringComparison.Ordinal).Trim();
}
