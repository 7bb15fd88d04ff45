using Boai.Orleans.Matching;
using Boai.Orleans.Model;
using static Boai.Orleans.Grains.Tests.Matching.MatchingData;

namespace Boai.Orleans.Grains.Tests.Matching;

/// <summary>Ranking by home-location cells (<see cref="MatchCells"/>) gives exactly what a scan of the whole pool gives.</summary>
public sealed class MatchCellsTests
{
    private static readonly string[] SkillNames = ["探访", "义剪", "义诊", "心理", "补习", "家居安全"];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 30)]
    [InlineData(4, 200)]
    public void Ranking_by_cells_equals_scanning_everyone(int seed, int take)
    {
        var random = new Random(seed);
        var needs = Enumerable.Range(0, 60).Select(k => RandomNeed(random, k)).ToList();
        var pool = new MatchPool(Enumerable.Range(0, 3_000).Select(k => RandomVolunteer(random, k, needs.Count)).ToList());
        var scorer = new MatchScorer(new MatchingOptions());

        foreach (var need in needs)
        {
            var query = new NeedQuery(need, pool);
            var (near, nearScores) = (new int[take], new double[take]);
            var (all, allScores) = (new int[take], new double[take]);
            var count = scorer.RankNear(query, pool, take, near, nearScores);

            Assert.Equal(scorer.RankAll(query, pool, take, null, all, allScores), count);
            Assert.Equal(all[..count], near[..count]);
            Assert.Equal(allScores[..count], nearScores[..count]);
        }
    }

    [Fact]
    public void A_need_at_a_cell_edge_gets_volunteers_of_the_neighbouring_cells_within_their_travel_range()
    {
        // The need sits just south of a cell boundary; the best volunteers live 150 m north, in the next cell.
        var edgeLat = Math.Ceiling(BaseLat / MatchCells.CellDegrees) * MatchCells.CellDegrees;
        var need = new MatchNeed("n1", "h1", "d1", NeedCategories.Elderly, ["探访"], NeedFrequency.Weekly, 0, edgeLat - (0.05 * DegreesPerKm), BaseLng);
        var volunteers = new List<MatchVolunteer>
        {
            At("v-next-cell", edgeLat + (0.1 * DegreesPerKm), maxTravelKm: 1),
            At("v-far-willing", edgeLat + (3 * DegreesPerKm), maxTravelKm: 5),
            At("v-far-unwilling", edgeLat + (3 * DegreesPerKm), maxTravelKm: 2),
        };

        // Enough others, far away and out of range, that the pool is ranked by cells.
        volunteers.AddRange(Enumerable.Range(0, MatchScorer.NearFrom).Select(k => At($"x{k:D4}", edgeLat + ((20 + (k % 50)) * DegreesPerKm), maxTravelKm: 3)));
        var suggestions = new Matcher().Suggest(need, new MatchPool(volunteers), 10);

        Assert.Equal(["v-next-cell", "v-far-willing"], suggestions.Select(s => s.VolunteerId));
    }

    [Fact]
    public void A_volunteer_changed_in_place_ranks_as_in_a_pool_built_again()
    {
        var random = new Random(7);
        var needs = Enumerable.Range(0, 40).Select(k => RandomNeed(random, k)).ToList();
        var volunteers = Enumerable.Range(0, 3_000).Select(k => RandomVolunteer(random, k, needs.Count)).ToList();
        var pool = new MatchPool(volunteers);
        var matcher = new Matcher();
        _ = needs.Select(n => matcher.Suggest(n, pool, 10)).ToList();

        // Leaving, pausing, a new load, rating or travel range, other known skills: in place; a move elsewhere: not.
        var replaced = 0;
        for (var k = 0; k < 600; k++)
        {
            var i = random.Next(volunteers.Count);
            var v = volunteers[i];
            var changed = (k % 5) switch
            {
                0 => v with { Active = !v.Active },
                1 => v with { ActivePairings = random.Next(0, 6) },
                2 => v with { Rating = random.Next(0, 6), MaxTravelKm = random.Next(0, 8) },
                3 => v with { Skills = SkillNames.OrderBy(_ => random.Next()).Take(random.Next(0, 4)).ToArray() },
                _ => v with { HomeLat = v.HomeLat + (random.NextDouble() * 0.01) },
            };
            if (pool.TryReplace(changed))
            {
                volunteers[i] = changed;
                replaced++;
            }
        }

        var rebuilt = new MatchPool(volunteers);
        Assert.InRange(replaced, 400, 600);
        foreach (var need in needs)
        {
            Assert.Equal(Describe(matcher.Suggest(need, rebuilt, 10)), Describe(matcher.Suggest(need, pool, 10)));
        }
    }

    private static string Describe(IEnumerable<Suggestion> suggestions) => string.Join(';', suggestions.Select(s => $"{s.VolunteerId}:{s.Score}"));

    private static MatchVolunteer At(string id, double lat, double maxTravelKm) => Volunteer(id, maxTravelKm: maxTravelKm) with { HomeLat = lat };

    private static MatchNeed RandomNeed(Random random, int k)
    {
        var located = random.Next(10) > 0;
        return new MatchNeed(
            $"n{k}",
            $"h{random.Next(60)}",
            random.Next(4) == 0 ? "d2" : "d1",
            NeedCategories.All[random.Next(NeedCategories.All.Count)],
            SkillNames.OrderBy(_ => random.Next()).Take(random.Next(0, 3)).ToArray(),
            (NeedFrequency)random.Next(5),
            random.Next(3),
            located ? BaseLat + (random.NextDouble() * 6 * DegreesPerKm) : null,
            located ? BaseLng + (random.NextDouble() * 6 * DegreesPerKm) : null);
    }

    private static MatchVolunteer RandomVolunteer(Random random, int k, int households)
    {
        var located = random.Next(20) > 0;
        return new MatchVolunteer(
            $"v{k}",
            random.Next(4) == 0 ? "d2" : "d1",
            located ? BaseLat + (random.NextDouble() * 6 * DegreesPerKm) : null,
            located ? BaseLng + (random.NextDouble() * 6 * DegreesPerKm) : null,
            SkillNames.OrderBy(_ => random.Next()).Take(random.Next(0, 4)).ToArray(),
            Enumerable.Range(0, random.Next(0, 4)).Select(d => new WeeklySlot((DayOfWeek)d, new TimeOnly(9, 0), new TimeOnly(9 + random.Next(0, 3), 30))).ToArray(),
            random.Next(3) == 0 ? [] : NeedCategories.All.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToArray(),
            random.Next(0, 8),
            random.Next(0, 6),
            random.Next(0, 6),
            Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"h{random.Next(households)}").ToHashSet(StringComparer.Ordinal),
            random.Next(10) > 0);
    }
}
