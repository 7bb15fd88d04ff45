using Boai.Orleans.Model;
using Boai.Orleans.Matching;

namespace Boai.Orleans.Grains.Tests.Matching;

/// <summary>Builders with sensible defaults, so each test states only what it is about.</summary>
internal static class MatchingData
{
    public const double BaseLat = 22.52;
    public const double BaseLng = 113.39;

    /// <summary>Degrees of latitude per km along a meridian (Earth radius 6371 km).</summary>
    public const double DegreesPerKm = 180 / (Math.PI * 6371);

    public static double LatAt(double kmNorth) => BaseLat + (kmNorth * DegreesPerKm);

    public static MatchVolunteer Volunteer(
        string id,
        double kmNorth = 1,
        string district = "d1",
        string[]? skills = null,
        int freeSlots = 2,
        string[]? categories = null,
        double maxTravelKm = 10,
        int activePairings = 0,
        double rating = 0,
        string[]? served = null,
        bool active = true) =>
        new(
            id,
            district,
            LatAt(kmNorth),
            BaseLng,
            skills ?? ["探访"],
            Enumerable.Range(0, freeSlots).Select(d => new WeeklySlot((DayOfWeek)d, new TimeOnly(9, 0), new TimeOnly(11, 0))).ToArray(),
            categories ?? [],
            maxTravelKm,
            activePairings,
            rating,
            new HashSet<string>(served ?? [], StringComparer.Ordinal),
            active);

    public static MatchNeed Need(
        string id = "n1",
        string household = "h1",
        string district = "d1",
        string category = NeedCategories.Elderly,
        string[]? skills = null,
        NeedFrequency frequency = NeedFrequency.Weekly,
        int priority = 0,
        double kmNorth = 0) =>
        new(id, household, district, category, skills ?? ["探访"], frequency, priority, LatAt(kmNorth), BaseLng);
}
