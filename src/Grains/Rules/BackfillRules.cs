namespace Boai.Orleans.Rules;

/// <summary>
/// What a back-filled visit (补录) may be, and when its hours need a second person: the one home of these rules,
/// called by the visit grain whoever asks it.
/// </summary>
public static class BackfillRules
{
    /// <summary>Why the back-fill's times cannot be accepted, with the field to name, or null.</summary>
    public static (string Field, string Message)? TimeProblem(DateTimeOffset checkedInAt, DateTimeOffset checkedOutAt, DateTimeOffset now, ServiceRulesOptions rules)
    {
        if (checkedInAt > now + rules.MaxClockSkew)
        {
            return ("checkedInAt", "时间晚于服务器时间 / Time is in the future");
        }

        if (checkedOutAt > now + rules.MaxClockSkew)
        {
            return ("checkedOutAt", "时间晚于服务器时间 / Time is in the future");
        }

        if (checkedOutAt <= checkedInAt)
        {
            return ("checkedOutAt", "签退应晚于签到 / Must be after checkedInAt");
        }

        return checkedOutAt - checkedInAt > rules.MaxBackfillDuration
            ? ("checkedOutAt", $"补录的探访最长 {rules.MaxBackfillDuration.TotalHours:0} 小时 / A back-filled visit lasts at most {rules.MaxBackfillDuration.TotalHours:0} h")
            : null;
    }

    /// <summary>
    /// The flags of a back-fill: <c>overCap</c> over the visit cap, <c>late</c> when its visit is older than
    /// <see cref="ServiceRulesOptions.BackfillCertifyWithin"/>. A flagged back-fill is not certified by the coordinator
    /// who records it: it waits for a second coordinator or an operator (四眼原则).
    /// </summary>
    public static IReadOnlyList<string> Flags(DateTimeOffset checkedInAt, DateTimeOffset checkedOutAt, DateTimeOffset now, ServiceRulesOptions rules)
    {
        var flags = new List<string>();
        if (now - checkedInAt > rules.BackfillCertifyWithin)
        {
            flags.Add(HoursRules.Late);
        }

        if (checkedOutAt - checkedInAt > rules.MaxVisitDuration)
        {
            flags.Add(HoursRules.OverCap);
        }

        return flags;
    }
}
