using Boai.Orleans.Rules;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>
/// Visit times inside the service's current month (its time zone, Asia/Shanghai), for tests that read "this month":
/// an hour before 00:00 on the 1st in Shanghai is still last month there, whatever the machine's clock says.
/// </summary>
public static class ServiceMonth
{
    private static readonly TimeZoneInfo Zone = TimeZones.Find("Asia/Shanghai");

    /// <summary>Whether it is the 1st of the month where the service is (its month then holds less than a day).</summary>
    public static bool IsFirstDay => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).Day == 1;

    /// <summary>The service's current month as yyyy-MM.</summary>
    public static string Current => Start(DateTimeOffset.UtcNow).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The starts of <paramref name="count"/> visits of <paramref name="length"/>, newest first, spaced by
    /// <paramref name="spacing"/> and ending at least a minute ago; when the month is too young for them, they are
    /// shrunk in proportion into the part of it that has passed, so all begin and end inside it.
    /// </summary>
    public static (DateTimeOffset Start, TimeSpan Length)[] Visits(int count, TimeSpan length, TimeSpan spacing)
    {
        var now = DateTimeOffset.UtcNow;
        var end = now.AddMinutes(-1);
        var needed = spacing * (count - 1) + length;
        var passed = end - Start(now) - TimeSpan.FromSeconds(10);
        var scale = passed >= needed ? 1.0 : Math.Max(passed / needed, 0);
        return [.. Enumerable.Range(0, count).Select(k => (end - (length * scale) - (spacing * (k * scale)), length * scale))];
    }

    private static DateTimeOffset Start(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var first = new DateTime(local.Year, local.Month, 1);
        return new DateTimeOffset(first, Zone.GetUtcOffset(first));
    }
}
