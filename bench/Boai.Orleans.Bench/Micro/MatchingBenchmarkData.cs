using Boai.Orleans.Model;
using Boai.Orleans.Matching;

namespace Boai.Orleans.Bench.Micro;

/// <summary>A seeded district the size of a large Zhongshan town: 12 × 12 km, volunteers and households spread over it.</summary>
internal static class MatchingBenchmarkData
{
    private const double Lat = 22.52;
    private const double Lng = 113.39;
    private const double DegreesPerKm = 180 / (Math.PI * 6371);
    private const double SideKm = 12;

    private static readonly string[] Skills = ["探访", "义剪", "义诊", "心理", "补习", "家居安全", "陪同就医", "法律"];

    public static MatchVolunteer[] Volunteers(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(k => new MatchVolunteer(
            $"v{k:00000}",
            random.Next(10) == 0 ? "d2" : "d1",
            Lat + (random.NextDouble() * SideKm * DegreesPerKm),
            Lng + (random.NextDouble() * SideKm * DegreesPerKm),
            Pick(random, Skills, random.Next(1, 4)),
            Enumerable.Range(0, random.Next(0, 5)).Select(d => new WeeklySlot((DayOfWeek)d, new TimeOnly(9, 0), new TimeOnly(11, 30))).ToArray(),
            random.Next(3) == 0 ? [] : Pick(random, [.. NeedCategories.All], random.Next(1, 4)),
            random.Next(2, 11),
            random.Next(0, 5),
            random.Next(0, 6),
            new HashSet<string>(Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"h{random.Next(2000):0000}"), StringComparer.Ordinal),
            random.Next(20) != 0)).ToArray();
    }

    public static MatchNeed[] Needs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(k => new MatchNeed(
            $"n{k:0000}",
            $"h{random.Next(2000):0000}",
            "d1",
            NeedCategories.All[random.Next(NeedCategories.All.Count)],
            Pick(random, Skills, random.Next(0, 3)),
            (NeedFrequency)random.Next(5),
            random.Next(0, 3),
            Lat + (random.NextDouble() * SideKm * DegreesPerKm),
            Lng + (random.NextDouble() * SideKm * DegreesPerKm))).ToArray();
    }

    private static string[] Pick(Random random, string[] from, int count) => from.OrderBy(_ => random.Next()).Take(count).ToArray();
}
