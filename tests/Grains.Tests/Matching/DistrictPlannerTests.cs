using Boai.Orleans.Matching;
using static Boai.Orleans.Grains.Tests.Matching.MatchingData;

namespace Boai.Orleans.Grains.Tests.Matching;

public sealed class DistrictPlannerTests
{
    private readonly DistrictPlanner planner = new();

    private static Dictionary<string, string> ByNeed(DistrictPlan plan) => plan.Assignments.ToDictionary(a => a.NeedId, a => a.VolunteerId);

    /// <summary>What a coordinator doing it by hand would do: needs in order, each takes its best volunteer still free.</summary>
    private static int GreedyFirstFitCoverage(IReadOnlyList<MatchNeed> needs, IReadOnlyList<MatchVolunteer> pool, MatchingOptions options)
    {
        var matcher = new Matcher(options);
        var left = pool.ToDictionary(v => v.VolunteerId, v => options.MaxPairingsPerVolunteer - v.ActivePairings);
        var covered = 0;
        foreach (var need in needs)
        {
            var pick = matcher.Suggest(need, pool, int.MaxValue).FirstOrDefault(s => left[s.VolunteerId] > 0);
            if (pick is not null)
            {
                left[pick.VolunteerId]--;
                covered++;
            }
        }

        return covered;
    }

    [Fact]
    public void Plan_covers_more_needs_than_greedy_first_fit()
    {
        // Need A fits V1 (better) and V2; need B fits only V1 (V2 does not accept 助残). Each has room for one more pairing.
        MatchNeed[] needs = [Need("A", household: "ha"), Need("B", household: "hb", category: NeedCategories.Disability)];
        MatchVolunteer[] pool =
        [
            Volunteer("V1", kmNorth: 0.2, activePairings: 4, rating: 5),
            Volunteer("V2", kmNorth: 3, activePairings: 4, categories: [NeedCategories.Elderly]),
        ];
        Assert.Equal(1, GreedyFirstFitCoverage(needs, pool, new MatchingOptions()));

        var plan = planner.Plan(needs, pool);

        Assert.Equal(new Dictionary<string, string> { ["A"] = "V2", ["B"] = "V1" }, ByNeed(plan));
        Assert.Empty(plan.UnassignedNeedIds);
    }

    [Fact]
    public void Plan_respects_each_volunteers_remaining_capacity()
    {
        var needs = Enumerable.Range(0, 4).Select(k => Need($"n{k}", household: $"h{k}")).ToArray();
        MatchVolunteer[] pool = [Volunteer("only", activePairings: 3)];

        var plan = planner.Plan(needs, pool);

        Assert.Equal(2, plan.Assignments.Count);
        Assert.All(plan.Assignments, a => Assert.Equal("only", a.VolunteerId));
        Assert.Equal(2, plan.UnassignedNeedIds.Count);
    }

    [Fact]
    public void Plan_does_not_give_both_needs_to_a_volunteer_with_room_for_one()
    {
        MatchNeed[] needs = [Need("n1", household: "h1"), Need("n2", household: "h2")];
        MatchVolunteer[] pool = [Volunteer("star", kmNorth: 0.1, rating: 5, activePairings: 4), Volunteer("other", kmNorth: 4)];

        var plan = planner.Plan(needs, pool);

        Assert.Equal(["other", "star"], plan.Assignments.Select(a => a.VolunteerId).Order().ToArray());
    }

    [Fact]
    public void Plan_spreads_needs_when_volunteers_are_nearly_equal()
    {
        // "best" is 1.25 points better on rating, less than the 2 points a second pairing costs on the load factor.
        MatchNeed[] needs = [Need("n1", household: "h1"), Need("n2", household: "h2")];
        MatchVolunteer[] pool = [Volunteer("best", rating: 5), Volunteer("good", rating: 4.5)];

        var plan = planner.Plan(needs, pool);

        Assert.Equal(["best", "good"], plan.Assignments.Select(a => a.VolunteerId).Order().ToArray());
    }

    [Fact]
    public void Plan_gives_the_better_volunteer_to_the_need_where_the_difference_is_larger()
    {
        // Both volunteers have room for one; "near-a" lives next to household a, "mid" halfway.
        MatchNeed[] needs = [Need("a", household: "ha", kmNorth: 0), Need("b", household: "hb", kmNorth: 4)];
        MatchVolunteer[] pool = [Volunteer("near-a", kmNorth: 0, activePairings: 4), Volunteer("mid", kmNorth: 2, activePairings: 4)];

        var plan = planner.Plan(needs, pool);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "near-a", ["b"] = "mid" }, ByNeed(plan));
    }

    [Fact]
    public void Plan_breaks_ties_by_volunteer_id()
    {
        MatchVolunteer[] pool = [Volunteer("v2"), Volunteer("v1"), Volunteer("v3")];

        var plan = planner.Plan([Need()], pool);

        Assert.Equal("v1", Assert.Single(plan.Assignments).VolunteerId);
    }

    [Fact]
    public void Plan_is_the_same_whatever_the_input_order()
    {
        var random = new Random(7);
        var needs = Enumerable.Range(0, 40).Select(k => Need($"n{k:00}", household: $"h{k % 25}", kmNorth: random.NextDouble() * 6)).ToArray();
        var pool = Enumerable.Range(0, 30)
            .Select(k => Volunteer($"v{k:00}", kmNorth: random.NextDouble() * 6, activePairings: random.Next(0, 5), rating: k % 3 == 0 ? 4 : 0))
            .ToArray();

        var first = planner.Plan(needs, pool);
        var second = planner.Plan(needs.Reverse().ToArray(), pool.OrderBy(_ => random.Next()).ToArray());

        Assert.Equal(first.Assignments.Select(a => (a.NeedId, a.VolunteerId, a.Score)), second.Assignments.Select(a => (a.NeedId, a.VolunteerId, a.Score)));
        Assert.Equal(first.UnassignedNeedIds, second.UnassignedNeedIds);
        Assert.Equal(first.TotalScore, second.TotalScore);
    }

    [Fact]
    public void When_not_every_need_can_be_covered_the_more_urgent_one_is()
    {
        MatchNeed[] needs = [Need("a-routine", household: "h1", priority: 0), Need("b-urgent", household: "h2", priority: 3, kmNorth: 2)];
        MatchVolunteer[] pool = [Volunteer("only", kmNorth: 0, activePairings: 4)];

        var plan = planner.Plan(needs, pool);

        Assert.Equal("b-urgent", Assert.Single(plan.Assignments).NeedId);
        Assert.Equal(["a-routine"], plan.UnassignedNeedIds);
    }

    [Fact]
    public void Needs_pruned_from_every_candidate_list_get_a_second_chance()
    {
        // With one candidate per need both needs see only "star", who has room for one; "backup" comes in on the second pass.
        var options = new MatchingOptions { PlanCandidatesPerNeed = 1 };
        MatchNeed[] needs = [Need("n1", household: "h1"), Need("n2", household: "h2")];
        MatchVolunteer[] pool = [Volunteer("star", kmNorth: 0.1, rating: 5, activePairings: 4), Volunteer("backup", kmNorth: 5)];

        var plan = new DistrictPlanner(options).Plan(needs, pool);

        Assert.Equal(2, plan.Assignments.Count);
        Assert.Empty(plan.UnassignedNeedIds);
    }

    [Fact]
    public void Plan_scores_and_explains_like_a_suggestion()
    {
        var need = Need(skills: ["义剪"]);
        MatchVolunteer[] pool = [Volunteer("v", skills: ["义剪"], rating: 4)];

        var pairing = Assert.Single(planner.Plan([need], pool).Assignments);
        var suggestion = Assert.Single(new Matcher().Suggest(need, pool));

        Assert.Equal(suggestion.Score, pairing.Score);
        Assert.Equal("h1", pairing.HouseholdId);
        Assert.Equal(suggestion.Factors, pairing.Factors);
    }

    [Fact]
    public void Total_score_is_the_sum_of_the_assignments()
    {
        var needs = Enumerable.Range(0, 6).Select(k => Need($"n{k}", household: $"h{k}", kmNorth: k)).ToArray();
        var pool = Enumerable.Range(0, 4).Select(k => Volunteer($"v{k}", kmNorth: k * 1.5, activePairings: 3)).ToArray();

        var plan = planner.Plan(needs, pool);

        Assert.Equal(plan.Assignments.Sum(a => a.Score), plan.TotalScore, tolerance: 0.05);
    }

    [Fact]
    public void Empty_inputs_give_an_empty_plan()
    {
        Assert.Empty(planner.Plan([], [Volunteer("v")]).Assignments);
        var nobody = planner.Plan([Need()], []);
        Assert.Empty(nobody.Assignments);
        Assert.Equal(["n1"], nobody.UnassignedNeedIds);
        Assert.Equal(0, nobody.TotalScore);
    }

    [Fact]
    public void A_need_listed_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() => planner.Plan([Need("n"), Need("n")], [Volunteer("v")]));
}
