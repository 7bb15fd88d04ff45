using Boai.Orleans.Matching;
using static Boai.Orleans.Grains.Tests.Matching.MatchingData;

namespace Boai.Orleans.Grains.Tests.Matching;

public sealed class MatchPoolReplaceTests
{
    [Fact]
    public void A_training_gained_in_place_makes_the_volunteer_eligible_for_a_need_that_requires_it()
    {
        var pool = new MatchPool([Volunteer("v1"), Volunteer("v2")]);
        var need = Need() with { RequiredTrainings = ["firstAid"] };
        Assert.Empty(new Matcher().Suggest(need, pool, 10));

        Assert.True(pool.TryReplace(Volunteer("v2") with { Trainings = ["firstAid"] }));

        Assert.Equal(["v2"], new Matcher().Suggest(need, pool, 10).Select(s => s.VolunteerId));
    }

    [Fact]
    public void A_change_to_a_copy_leaves_the_pool_it_was_copied_from_as_it_was()
    {
        var volunteers = Enumerable.Range(0, MatchScorer.NearFrom + 10).Select(i => Volunteer($"v{i:D4}", kmNorth: i % 50 * 0.1)).ToList();
        var pool = new MatchPool(volunteers);
        var need = Need();
        var before = Describe(new Matcher().Suggest(need, pool, 5));
        var best = new Matcher().Suggest(need, pool, 1)[0].VolunteerId;

        var copy = pool.Copy();
        Assert.True(copy.TryReplace(volunteers.Single(v => v.VolunteerId == best) with { Active = false }));

        Assert.Equal(before, Describe(new Matcher().Suggest(need, pool, 5)));
        Assert.DoesNotContain(best, new Matcher().Suggest(need, copy, 5).Select(s => s.VolunteerId));
    }

    [Fact]
    public void A_household_served_in_place_counts_for_continuity_and_is_forgotten_in_place()
    {
        var pool = new MatchPool([Volunteer("v1"), Volunteer("v2"), Volunteer("v3", served: ["h9"])]);
        var need = Need(household: "h1");
        Assert.Equal("v1", new Matcher().Suggest(need, pool, 1)[0].VolunteerId);

        Assert.True(pool.TryReplace(Volunteer("v2", served: ["h1"])));
        Assert.True(pool.TryReplace(Volunteer("v3", served: ["h9", "h1"])));
        var served = new Matcher().Suggest(need, pool, 3);
        Assert.Equal(["v2", "v3", "v1"], served.Select(s => s.VolunteerId));
        Assert.Equal(1, served[0].Factors[MatchFactors.Continuity].Score);

        var copy = pool.Copy();
        Assert.True(copy.TryReplace(Volunteer("v2")));
        Assert.Equal(["v3", "v1", "v2"], new Matcher().Suggest(need, copy, 3).Select(s => s.VolunteerId));
        Assert.Equal(["v2", "v3", "v1"], new Matcher().Suggest(need, pool, 3).Select(s => s.VolunteerId));
    }

    private static string Describe(IEnumerable<Suggestion> suggestions) => string.Join(';', suggestions.Select(s => $"{s.VolunteerId}:{s.Score}"));
}
