using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>Collects every bad field of a request under its camelCase path (<c>location.lat</c>, <c>members[0].name</c>).</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    /// <summary>The bad fields so far, each with its messages (an import reports them per row and column).</summary>
    internal IEnumerable<KeyValuePair<string, List<string>>> Errors => _errors;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public IResult Problem() => ApiProblems.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    /// <summary>Required text of bounded length; returns the trimmed value.</summary>
    public string Text(string field, string? value, int maxLength = 100, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "必填 / Required");
            }

            return string.Empty;
        }

        var text = value.Trim();
        if (text.Length > maxLength)
        {
            Add(field, $"最长 {maxLength} 个字符 / At most {maxLength} characters");
        }

        return text;
    }

    public string? OptionalText(string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(field, value, maxLength);

    public string Id(string field, string? value)
    {
        if (!Ids.IsValid(value))
        {
            Add(field, Ids.IdRule);
            return string.Empty;
        }

        return value!;
    }

    public DateTimeOffset Time(string field, DateTimeOffset? value)
    {
        if (value is null)
        {
            Add(field, "必填，ISO-8601 时间含时区 / Required: an ISO-8601 time with offset");
            return default;
        }

        if (!ApiTimes.InRange(value.Value))
        {
            Add(field, ApiTimes.RangeRule);
            return default;
        }

        return value.Value;
    }

    /// <summary>
    /// A certificate's period from <c>from</c> and <c>to</c> (yyyy-MM-dd, each optional): by default from the 1st of
    /// January of <paramref name="today"/>'s year to today; <c>to</c> must not be before <c>from</c>.
    /// </summary>
    public (DateOnly Start, DateOnly End) Period(string? from, string? to, DateOnly today)
    {
        var start = Day("from", from) ?? new DateOnly(today.Year, 1, 1);
        var end = Day("to", to) ?? today;
        if (end < start)
        {
            Add("to", "应不早于开始日期 / Must not be before from");
        }

        return (start, end);
    }

    /// <summary>An optional day of a query (<c>yyyy-MM-dd</c>) within <see cref="ApiTimes"/>' range.</summary>
    public DateOnly? Day(string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            Add(field, "格式 yyyy-MM-dd / A date as yyyy-MM-dd");
            return null;
        }

        if (!ApiTimes.InRange(day))
        {
            Add(field, ApiTimes.RangeRule);
            return null;
        }

        return day;
    }

    public GeoPoint? Point(string field, double? lat, double? lng, bool required)
    {
        if (lat is null && lng is null)
        {
            if (required)
            {
                Add(field, "必填 / Required");
            }

            return null;
        }

        var ok = true;
        if (lat is not (>= -90 and <= 90))
        {
            Add($"{field}.lat", "纬度应在 -90 到 90 之间 / Latitude must be between -90 and 90");
            ok = false;
        }

        if (lng is not (>= -180 and <= 180))
        {
            Add($"{field}.lng", "经度应在 -180 到 180 之间 / Longitude must be between -180 and 180");
            ok = false;
        }

        return ok ? new GeoPoint(lat!.Value, lng!.Value) : null;
    }

    public TEnum? Enum<TEnum>(string field, string? value, bool required, TEnum? fallback = null) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required && fallback is null)
            {
                Add(field, "必填 / Required");
            }

            return fallback;
        }

        if (EnumText.TryParseContract<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        Add(field, "可选值 / One of: " + string.Join(", ", System.Enum.GetValues<TEnum>().Select(v => v.ToContract())));
        return fallback;
    }

    public IReadOnlyList<string> List(string field, IReadOnlyList<string?>? values, Func<string, bool> isKnown, int maxCount = 50)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > maxCount)
        {
            Add(field, $"最多 {maxCount} 项 / At most {maxCount} items");
            return [];
        }

        var result = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (string.IsNullOrWhiteSpace(value) || !isKnown(value))
            {
                Add($"{field}[{i}]", "未知的值 / Unknown value");
            }
            else if (!result.Contains(value))
            {
                result.Add(value);
            }
        }

        return result;
    }
}
