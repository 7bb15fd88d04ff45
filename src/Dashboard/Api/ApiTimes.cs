using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>
/// The one rule for times and days a request may carry: an instant needs its offset (a time without one would be read
/// in the server's own zone, which is nobody's), and every date lies in the years the service can store and reckon
/// with (Azure Tables holds nothing before 1601; a day near 9999 overflows when a period is extended by a day).
/// </summary>
public static partial class ApiTimes
{
    public static readonly DateOnly EarliestDay = new(2000, 1, 1);

    public static readonly DateOnly LatestDay = new(2099, 12, 31);

    public const string RangeRule = "应在 2000-01-01 到 2099-12-31 之间 / Must be between 2000-01-01 and 2099-12-31";

    public const string OffsetRule = "ISO-8601 时间须含时区，如 2026-11-30T09:00:00+08:00 / An ISO-8601 time with its offset, e.g. 2026-11-30T09:00:00+08:00";

    public static bool InRange(DateOnly day) => day >= EarliestDay && day <= LatestDay;

    public static bool InRange(DateTimeOffset at) => InRange(DateOnly.FromDateTime(at.UtcDateTime));

    [GeneratedRegex(@"T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WithOffset();

    /// <summary>Parses an ISO-8601 time that states its offset and lies in range; anything else is null.</summary>
    public static DateTimeOffset? Parse(string? text) =>
        text is not null
        && text.Length <= 40
        && WithOffset().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
        && InRange(at)
            ? at
            : null;
}

/// <summary>Reads request times by <see cref="ApiTimes"/>: a time without offset or out of range fails the body (400 naming the field).</summary>
public sealed class StrictDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException(ApiTimes.OffsetRule);
        }

        return ApiTimes.Parse(reader.GetString()) ?? throw new JsonException(ApiTimes.OffsetRule + "; " + ApiTimes.RangeRule);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
