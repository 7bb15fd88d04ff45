using Boai.Orleans.Model;
using System.Globalization;

namespace Boai.Orleans.Matching;

/// <summary>An explanation in both UI languages.</summary>
public readonly record struct MatchText(string ZhCn, string En);

/// <summary>
/// Every sentence the matcher shows a coordinator, in zh-CN and en. The only home of these words, so the
/// dashboard's two languages stay in step.
/// </summary>
public static class MatchTexts
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static MatchText Skills(int matched, int required, IReadOnlyList<string> missing)
    {
        if (required == 0)
        {
            return new("无特定技能要求", "No particular skills required");
        }

        if (matched == required)
        {
            return new($"技能完全匹配 ({matched}/{required})", $"All required skills ({matched}/{required})");
        }

        var zhMissing = string.Join("、", missing);
        var enMissing = string.Join(", ", missing);
        return matched == 0
            ? new($"不具备所需技能 (0/{required})：缺少{zhMissing}", $"None of the required skills (0/{required}): missing {enMissing}")
            : new($"部分技能匹配 ({matched}/{required})：缺少{zhMissing}", $"Some required skills ({matched}/{required}): missing {enMissing}");
    }

    /// <param name="km">Distance, or NaN when a location is unknown.</param>
    /// <param name="otherDistrictId">The volunteer's district when it is not the need's, else null.</param>
    public static MatchText Distance(double km, string? otherDistrictId)
    {
        var text = double.IsNaN(km)
            ? new MatchText("距离未知（缺少位置）", "Distance unknown (no location)")
            : km < 0.1
                ? new MatchText("距离不足 0.1 公里", "Less than 0.1 km away")
                : new MatchText($"距离 {Km(km)} 公里", $"{Km(km)} km away");
        return otherDistrictId is null
            ? text
            : new($"{text.ZhCn}（来自邻近镇区 {otherDistrictId}）", $"{text.En} (from neighbouring district {otherDistrictId})");
    }

    public static MatchText Availability(int freeSlots, NeedFrequency frequency)
    {
        var (zhFrequency, enFrequency) = Frequency(frequency);
        return freeSlots == 0
            ? new($"未登记可用的空闲时段（需求：{zhFrequency}）", $"No usable free time recorded (need: {enFrequency})")
            : new($"每周空闲 {freeSlots} 个时段（需求：{zhFrequency}）",
                $"{freeSlots} free slot{(freeSlots == 1 ? "" : "s")} a week (need: {enFrequency})");
    }

    public static MatchText Load(int activePairings, int maxPairings) => activePairings == 0
        ? new($"暂无结对 (0/{maxPairings})", $"No current pairings (0/{maxPairings})")
        : new($"当前结对 {activePairings}/{maxPairings}", $"{activePairings} of {maxPairings} pairings in use");

    public static MatchText Continuity(bool servedBefore) => servedBefore
        ? new("曾服务此家庭", "Has served this household before")
        : new("未曾服务此家庭", "Has not served this household yet");

    /// <param name="category">The need's category.</param>
    /// <param name="choseCategory">True when the volunteer listed the category; false when they accept all.</param>
    /// <param name="km">Distance, or NaN when unknown.</param>
    /// <param name="maxTravelKm">The volunteer's travel limit.</param>
    public static MatchText Willingness(string category, bool choseCategory, double km, double maxTravelKm)
    {
        var enCategory = category == NeedCategories.EnglishName(category) ? category : $"{NeedCategories.EnglishName(category)} ({category})";
        var zh = choseCategory ? $"愿意服务{category}类家庭" : "接受所有服务类别";
        var en = choseCategory ? $"Chose {enCategory} households" : "Accepts every category";
        return double.IsNaN(km)
            ? new($"{zh}；出行范围 {Km(maxTravelKm)} 公里", $"{en}; travels up to {Km(maxTravelKm)} km")
            : new($"{zh}；在其 {Km(maxTravelKm)} 公里出行范围内", $"{en}; within their {Km(maxTravelKm)} km travel range");
    }

    /// <param name="rating">1..5, or 0 when not rated.</param>
    public static MatchText Rating(double rating) => rating <= 0
        ? new("暂无社工评分", "Not rated yet")
        : new($"社工评分 {rating.ToString("0.#", Invariant)}/5", $"Coordinator rating {rating.ToString("0.#", Invariant)}/5");

    public static (string ZhCn, string En) Frequency(NeedFrequency frequency) => frequency switch
    {
        NeedFrequency.Weekly => ("每周一次", "weekly"),
        NeedFrequency.Fortnightly => ("每两周一次", "fortnightly"),
        NeedFrequency.Monthly => ("每月一次", "monthly"),
        NeedFrequency.Quarterly => ("每季度一次", "quarterly"),
        NeedFrequency.Once => ("一次性", "once"),
        _ => (frequency.ToString(), frequency.ToString()),
    };

    private static string Km(double km) => km.ToString("0.0", Invariant);
}
