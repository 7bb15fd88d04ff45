using System.Text.RegularExpressions;

namespace Boai.Orleans.Model;

/// <summary>
/// Ids chosen by callers (volunteers, households, visits, teams) are URL path segments and table keys:
/// one rule keeps them safe everywhere. Ids the service makes (needs, pairings, orders) embed the household id
/// after a '~', which caller ids never contain, so the owner of a need or pairing is found without a lookup.
/// </summary>
public static partial class Ids
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
    private static partial Regex CallerIdPattern();

    public static bool IsValid(string? id) => id is not null && CallerIdPattern().IsMatch(id);

    public const string IdRule = "1–64 个字母、数字或 _ . : - / 1–64 letters, digits or _ . : -";

    public static string NeedId(string householdId, int sequence) => $"{householdId}~n{sequence}";

    public static string PairingId(string householdId, int sequence) => $"{householdId}~p{sequence}";

    /// <summary>A menu order (菜单式服务) of the household.</summary>
    public static string OrderId(string householdId, int sequence) => $"{householdId}~o{sequence}";

    /// <summary>The household that owns a need or pairing id, or null when the id is not one the service made.</summary>
    public static string? OwnerHousehold(string? serviceId, char kind)
    {
        if (string.IsNullOrEmpty(serviceId))
        {
            return null;
        }

        var at = serviceId.LastIndexOf('~');
        if (at <= 0 || at + 2 > serviceId.Length || serviceId[at + 1] != kind || !int.TryParse(serviceId.AsSpan(at + 2), out _))
        {
            return null;
        }

        var household = serviceId[..at];
        return IsValid(household) ? household : null;
    }
}
