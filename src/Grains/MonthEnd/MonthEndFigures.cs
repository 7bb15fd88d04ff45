using Boai.Orleans.Districts;

namespace Boai.Orleans.MonthEnd;

/// <summary>
/// A district's standing figures at the end of a local month (yyyy-MM): coverage, households and needs, satisfaction,
/// the volunteers and their activity. Kept because these figures have no history of their own: a past month's report
/// reads them here instead of today's.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MonthEndFigures(
    [property: Id(0)] string Month,
    [property: Id(1)] double Coverage,
    [property: Id(2)] int Households,
    [property: Id(3)] int OpenNeeds,
    [property: Id(4)] int UncoveredNeeds,
    [property: Id(5)] double? Satisfaction,
    [property: Id(6)] int RegisteredVolunteers,
    [property: Id(7)] double ActiveVolunteerRate,
    [property: Id(8)] DateTimeOffset RecordedAt)
{
    public static MonthEndFigures Of(string month, DistrictSummary summary, IEnumerable<VolunteerSummary> volunteers, DateTimeOffset at) => new(
        month,
        summary.Coverage,
        summary.Households,
        summary.OpenNeeds,
        summary.UncoveredNeeds,
        SatisfactionOf(volunteers),
        summary.RegisteredVolunteers,
        summary.ActiveVolunteerRate,
        at);

    /// <summary>A district's satisfaction (满意度): the mean rating of its volunteers who have one; null when nobody was rated.</summary>
    public static double? SatisfactionOf(IEnumerable<VolunteerSummary> volunteers)
    {
        var ratings = volunteers.Where(v => v.Rating > 0).Select(v => v.Rating).ToList();
        return ratings.Count == 0 ? null : Math.Round(ratings.Average(), 2);
    }
}

/// <summary>The month-end figures of one district (key: district id), recorded by the supervision clock, never changed after.</summary>
public interface IMonthEndGrain : IGrainWithStringKey
{
    /// <summary>Stores the month's figures unless that month is already recorded; answers what is stored.</summary>
    Task<MonthEndFigures> Record(MonthEndFigures figures);

    Task<MonthEndFigures?> Get(string month);
}
