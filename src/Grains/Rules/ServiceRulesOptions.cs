namespace Boai.Orleans.Rules;

/// <summary>
/// The rules coordinators rely on, with the defaults a district starts from (configuration section
/// <c>Rules</c>). Each rule that reads these lives in exactly one class of this folder.
/// </summary>
public sealed class ServiceRulesOptions
{
    public const string SectionName = "Rules";

    /// <summary>Local time zone of the districts: "today" and "this month" are counted in it.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Hours are the visit's duration rounded to this many minutes.</summary>
    public int HoursIncrementMinutes { get; set; } = 15;

    public HoursRounding HoursRounding { get; set; } = HoursRounding.Nearest;

    /// <summary>A visit longer than this is flagged <c>overCap</c>.</summary>
    public TimeSpan MaxVisitDuration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A back-filled visit (补录) longer than this is refused: no back-fill mints more hours than one long day.</summary>
    public TimeSpan MaxBackfillDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// A back-fill of a visit older than this (or over <see cref="MaxVisitDuration"/>) is not certified by the coordinator
    /// who records it: it waits for a second coordinator or an operator.
    /// </summary>
    public TimeSpan BackfillCertifyWithin { get; set; } = TimeSpan.FromDays(31);

    /// <summary>A check-in or check-out farther than this from the household is flagged <c>outsideRadius</c>.</summary>
    public double VisitRadiusMeters { get; set; } = 500;

    /// <summary>A record received this long after its time is flagged <c>late</c>.</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Records older than this are refused: a coordinator back-fills (补录) them instead.</summary>
    public TimeSpan MaxUploadDelay { get; set; } = TimeSpan.FromHours(72);

    /// <summary>A phone clock ahead of the server by more than this is refused.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Certify clean (unflagged) visits at check-out, without a coordinator.</summary>
    public bool AutoCertifyCleanVisits { get; set; }

    /// <summary>Grace after a need's due time before it counts as overdue.</summary>
    public TimeSpan OverdueGrace { get; set; } = TimeSpan.FromDays(2);

    /// <summary>A reported major change must be followed by a visit within this.</summary>
    public TimeSpan MajorChangeVisitWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Default cadence per risk level: high weekly, key monthly, general quarterly.</summary>
    public Dictionary<string, TimeSpan> RiskCadence { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["high"] = TimeSpan.FromDays(7),
        ["key"] = TimeSpan.FromDays(30),
        ["general"] = TimeSpan.FromDays(91),
    };

    /// <summary>Certified hours needed for one to five stars (星级志愿者).</summary>
    public double[] StarThresholds { get; set; } = [100, 300, 600, 1000, 1500];

    /// <summary>A volunteer who served within this counts as active for the district's activity rate.</summary>
    public TimeSpan ActiveVolunteerWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A scheduled visit not checked in this long after its slot starts shows as late on the due-today list.</summary>
    public TimeSpan DueTodayGrace { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>An open order unclaimed this long becomes an uncovered need (<c>orderUnclaimed</c>).</summary>
    public TimeSpan OrderUnclaimedAfter { get; set; } = TimeSpan.FromHours(4);
}

public enum HoursRounding
{
    Nearest,
    Down,
}
