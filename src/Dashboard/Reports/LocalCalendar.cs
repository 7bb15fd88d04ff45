using System.Globalization;
using Boai.Orleans.Rules;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Reports;

/// <summary>Days and months as the districts count them (<see cref="ServiceRulesOptions.TimeZone"/>), as instants.</summary>
public sealed class LocalCalendar(IOptions<ServiceRulesOptions> rules, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(rules.Value.TimeZone);

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), _zone).DateTime);

    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }

    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, _zone).DateTime);

    public DateTimeOffset InZone(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone);

    /// <summary>Parses <c>yyyy-MM</c>; null text means the current month.</summary>
    public bool TryMonth(string? text, out DateOnly first)
    {
        if (string.IsNullOrEmpty(text))
        {
            var today = Today;
            first = new DateOnly(today.Year, today.Month, 1);
            return true;
        }

        // A month the service can reckon with: its end (the next month's first day) must exist too.
        if (DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out first)
            && first >= Api.ApiTimes.EarliestDay && first < Api.ApiTimes.LatestDay)
        {
            return true;
        }

        first = default;
        return false;
    }
}
