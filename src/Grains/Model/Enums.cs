namespace Boai.Orleans.Model;

public enum VolunteerStatus
{
    Active,
    Paused,
    Left,
}

/// <summary>How often a need is served. <c>Quarterly</c> is the default cadence of general-risk households.</summary>
public enum NeedFrequency
{
    Weekly,
    Fortnightly,
    Monthly,
    Quarterly,
    Once,
}

/// <summary>Risk level of a household (高风险 / 重点 / 一般), which sets its default visit cadence.</summary>
public enum RiskLevel
{
    General,
    Key,
    High,
}

public enum VisitStatus
{
    CheckedIn,
    CheckedOut,
    Certified,
    Rejected,
}

/// <summary>Why a need is uncovered. The names are the contract's words.</summary>
public enum UncoveredReason
{
    NoActivePairing,
    VolunteerLeft,
    VolunteerPaused,
    Overdue,
    MajorChangeNotVisited,
    OrderUnclaimed,
}

public static class EnumText
{
    /// <summary>The camelCase word of an enum value, as the contract and JSON use it.</summary>
    public static string ToContract<T>(this T value) where T : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    public static bool TryParseContract<T>(string? text, out T value) where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
}
