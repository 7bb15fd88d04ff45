using Boai.Orleans.Model;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>A point as requests send it; nullable so a missing coordinate is named, not defaulted to 0.</summary>
public sealed record PointBody(double? Lat, double? Lng);

/// <summary>A phone's location with its accuracy in metres.</summary>
public sealed record LocationBody(double? Lat, double? Lng, double? AccuracyM);

public static class BodyRules
{
    public static ReportedLocation? Location(this Validation v, string field, LocationBody? body)
    {
        if (body is null)
        {
            return null;
        }

        var point = v.Point(field, body.Lat, body.Lng, required: true);
        if (body.AccuracyM is < 0 or > 100_000)
        {
            v.Add($"{field}.accuracyM", "精度应在 0 到 100000 米之间 / Accuracy must be between 0 and 100000 m");
        }

        return point is null ? null : new ReportedLocation(point.Lat, point.Lng, body.AccuracyM);
    }

    public static string? Phone(this Validation v, string field, string? phone, bool required)
    {
        var text = required ? v.Text(field, phone, 20) : v.OptionalText(field, phone, 20);
        if (!string.IsNullOrEmpty(text) && (text.Length < 5 || !text.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')))
        {
            v.Add(field, "电话号码格式有误 / Not a phone number");
        }

        return text;
    }
}
