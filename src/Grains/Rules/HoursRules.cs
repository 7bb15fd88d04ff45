using Boai.Orleans.Model;

namespace Boai.Orleans.Rules;

/// <summary>How a visit's duration becomes hours, and which flags hold its hours for a coordinator.</summary>
public static class HoursRules
{
    public const string Late = "late";
    public const string OutsideRadius = "outsideRadius";
    public const string OverCap = "overCap";
    public const string NoLocation = "noLocation";

    public static int DurationMinutes(DateTimeOffset checkedIn, DateTimeOffset checkedOut) =>
        (int)Math.Floor((checkedOut - checkedIn).TotalMinutes);

    public static double Hours(int durationMinutes, ServiceRulesOptions rules)
    {
        var increment = Math.Max(1, rules.HoursIncrementMinutes);
        var units = durationMinutes / (double)increment;
        units = rules.HoursRounding == HoursRounding.Down ? Math.Floor(units) : Math.Round(units, MidpointRounding.AwayFromZero);
        return Math.Round(units * increment / 60.0, 2);
    }

    /// <summary>Whether a record's phone time arrived late enough to be flagged.</summary>
    public static bool IsLate(DateTimeOffset at, DateTimeOffset receivedAt, ServiceRulesOptions rules) => receivedAt - at > rules.LateAfter;

    /// <summary>The flag a reported location earns against the household's location, if any.</summary>
    public static string? LocationFlag(ReportedLocation? reported, GeoPoint? household, ServiceRulesOptions rules)
    {
        if (reported is null)
        {
            return NoLocation;
        }

        if (household is null)
        {
            return null;
        }

        // The phone's own accuracy is given the benefit of the doubt, up to the radius itself.
        var slack = Math.Min(reported.AccuracyM ?? 0, rules.VisitRadiusMeters);
        return reported.Point.DistanceMetersTo(household) > rules.VisitRadiusMeters + slack ? OutsideRadius : null;
    }

    /// <summary>Why a time from a phone cannot be accepted, or null.</summary>
    public static string? TimeProblem(DateTimeOffset at, DateTimeOffset receivedAt, ServiceRulesOptions rules)
    {
        if (at - receivedAt > rules.MaxClockSkew)
        {
            return "时间晚于服务器时间 / Time is in the future";
        }

        return receivedAt - at > rules.MaxUploadDelay
            ? $"超过 {rules.MaxUploadDelay.TotalHours:0} 小时的记录请由社工补录 / Older than {rules.MaxUploadDelay.TotalHours:0} h: ask a coordinator to back-fill it"
            : null;
    }

    /// <summary>Star level (0–5) from certified hours.</summary>
    public static int StarLevel(double certifiedHours, ServiceRulesOptions rules) =>
        rules.StarThresholds.Count(threshold => certifiedHours >= threshold);
}
