using Boai.Orleans.Model;
using System.Text.Json;
using Boai.Orleans.Matching;
using static Boai.Orleans.Grains.Tests.Matching.MatchingData;

namespace Boai.Orleans.Grains.Tests.Matching;

public sealed class MatcherTests
{
    private readonly Matcher matcher = new();

    private static string[] Ids(IReadOnlyList<Suggestion> suggestions) => suggestions.Select(s => s.VolunteerId).ToArray();

    [Fact]
    public void Best_fit_ranks_first()
    {
        var need = Need(skills: ["义剪", "探访"]);
        MatchVolunteer[] pool =
        [
            Volunteer("far", kmNorth: 6, skills: ["义剪", "探访"]),
            Volunteer("best", kmNorth: 0.5, skills: ["义剪", "探访"], freeSlots: 3, rating: 5, served: ["h1"], categories: [NeedCategories.Elderly]),
            Volunteer("busy", kmNorth: 0.5, skills: ["义剪", "探访"], activePairings: 4),
            Volunteer("unskilled", kmNorth: 0.5, skills: ["心理"]),
        ];

        var suggestions = matcher.Suggest(need, pool);

        Assert.Equal("best", suggestions[0].VolunteerId);
        Assert.Equal(4, suggestions.Count);
        Assert.Equal(suggestions.OrderByDescending(s => s.Score).Select(s => s.Score), suggestions.Select(s => s.Score));
    }

    [Fact]
    public void Volunteer_with_all_required_skills_beats_one_without()
    {
        var need = Need(skills: ["义诊", "陪同就医"]);
        MatchVolunteer[] pool = [Volunteer("a-without", skills: ["义诊"]), Volunteer("b-with", skills: ["陪同就医", "义诊"])];

        var suggestions = matcher.Suggest(need, pool);

        Assert.Equal(["b-with", "a-without"], Ids(suggestions));
        Assert.Equal(1, suggestions[0].Factors[MatchFactors.Skills].Score);
        Assert.Equal(0.5, suggestions[1].Factors[MatchFactors.Skills].Score);
    }

    [Fact]
    public void Missing_a_skill_scores_low_but_stays_suggested_unless_skills_are_hard()
    {
        var need = Need(skills: ["义诊"]);
        MatchVolunteer[] pool = [Volunteer("no-skill", skills: ["义剪"])];

        var soft = matcher.Suggest(need, pool);
        var hard = new Matcher(new MatchingOptions { RequireAllSkills = true }).Suggest(need, pool);

        Assert.Equal(0, Assert.Single(soft).Factors[MatchFactors.Skills].Score);
        Assert.Empty(hard);
    }

    [Fact]
    public void Skills_compare_case_insensitively()
    {
        var need = Need(skills: ["Haircut"]);

        var suggestion = Assert.Single(matcher.Suggest(need, [Volunteer("v", skills: ["haircut"])]));

        Assert.Equal(1, suggestion.Factors[MatchFactors.Skills].Score);
    }

    [Fact]
    public void Nearer_volunteer_beats_farther_one_all_else_equal()
    {
        MatchVolunteer[] pool = [Volunteer("a-far", kmNorth: 4), Volunteer("b-near", kmNorth: 1)];

        var suggestions = matcher.Suggest(Need(), pool);

        Assert.Equal(["b-near", "a-far"], Ids(suggestions));
        Assert.True(suggestions[0].Score > suggestions[1].Score);
    }

    [Fact]
    public void Volunteer_at_maximum_load_is_not_suggested()
    {
        MatchVolunteer[] pool = [Volunteer("full", activePairings: 5), Volunteer("free", activePairings: 4)];

        Assert.Equal(["free"], Ids(matcher.Suggest(Need(), pool)));
        Assert.Equal(2, new Matcher(new MatchingOptions { MaxPairingsPerVolunteer = 6 }).Suggest(Need(), pool).Count);
    }

    [Fact]
    public void Lighter_load_ranks_higher()
    {
        MatchVolunteer[] pool = [Volunteer("a-loaded", activePairings: 3), Volunteer("b-light", activePairings: 1)];

        var suggestions = matcher.Suggest(Need(), pool);

        Assert.Equal(["b-light", "a-loaded"], Ids(suggestions));
        Assert.Equal("当前结对 1/5", suggestions[0].Factors[MatchFactors.Load].ZhCn);
        Assert.Equal("3 of 5 pairings in use", suggestions[1].Factors[MatchFactors.Load].En);
    }

    [Fact]
    public void Paused_or_left_volunteer_is_not_suggested()
    {
        MatchVolunteer[] pool = [Volunteer("left", active: false), Volunteer("active")];

        Assert.Equal(["active"], Ids(matcher.Suggest(Need(), pool)));
    }

    [Fact]
    public void Volunteer_not_accepting_the_category_is_not_suggested()
    {
        MatchVolunteer[] pool =
        [
            Volunteer("children-only", categories: [NeedCategories.Children]),
            Volunteer("elderly", categories: [NeedCategories.Children, NeedCategories.Elderly]),
            Volunteer("any"),
        ];

        var suggestions = matcher.Suggest(Need(category: NeedCategories.Elderly), pool);

        Assert.Equal(["elderly", "any"], Ids(suggestions));
    }

    [Fact]
    public void Volunteer_beyond_their_travel_range_is_not_suggested()
    {
        MatchVolunteer[] pool = [Volunteer("homebody", kmNorth: 3, maxTravelKm: 2), Volunteer("traveller", kmNorth: 3, maxTravelKm: 5)];

        Assert.Equal(["traveller"], Ids(matcher.Suggest(Need(), pool)));
    }

    [Fact]
    public void Neighbouring_district_volunteer_qualifies_only_within_their_travel_range()
    {
        MatchVolunteer[] pool =
        [
            Volunteer("near-neighbour", district: "d2", kmNorth: 2, maxTravelKm: 5),
            Volunteer("far-neighbour", district: "d2", kmNorth: 8, maxTravelKm: 5),
            Volunteer("neighbour-no-home", district: "d2") with { HomeLat = null, HomeLng = null },
            Volunteer("local-no-home") with { HomeLat = null, HomeLng = null },
        ];

        var suggestions = matcher.Suggest(Need(), pool);

        Assert.Equal(["near-neighbour", "local-no-home"], Ids(suggestions));
        Assert.Equal("距离 2.0 公里（来自邻近镇区 d2）", suggestions[0].Factors[MatchFactors.Distance].ZhCn);
        Assert.Equal("2.0 km away (from neighbouring district d2)", suggestions[0].Factors[MatchFactors.Distance].En);
        Assert.Equal("Distance unknown (no location)", suggestions[1].Factors[MatchFactors.Distance].En);
    }

    [Fact]
    public void Having_served_the_household_before_raises_the_score()
    {
        MatchVolunteer[] pool = [Volunteer("a-new"), Volunteer("b-returning", served: ["h1"])];

        var suggestions = matcher.Suggest(Need(household: "h1"), pool);

        Assert.Equal(["b-returning", "a-new"], Ids(suggestions));
        Assert.Equal(1, suggestions[0].Factors[MatchFactors.Continuity].Score);
        Assert.Equal("曾服务此家庭", suggestions[0].Factors[MatchFactors.Continuity].ZhCn);
        Assert.Equal(0, suggestions[1].Factors[MatchFactors.Continuity].Score);
    }

    [Fact]
    public void More_free_time_ranks_higher_for_a_weekly_need_and_short_slots_do_not_count()
    {
        var shortSlots = Volunteer("c-short-slots") with
        {
            FreeSlots = [new WeeklySlot(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(9, 30))],
        };
        MatchVolunteer[] pool = [Volunteer("a-one-slot", freeSlots: 1), Volunteer("b-three-slots", freeSlots: 3), shortSlots];

        var suggestions = matcher.Suggest(Need(frequency: NeedFrequency.Weekly), pool);

        Assert.Equal(["b-three-slots", "a-one-slot", "c-short-slots"], Ids(suggestions));
        Assert.Equal("每周空闲 3 个时段（需求：每周一次）", suggestions[0].Factors[MatchFactors.Availability].ZhCn);
        Assert.Equal(0.5, suggestions[1].Factors[MatchFactors.Availability].Score);
        Assert.Equal(0, suggestions[2].Factors[MatchFactors.Availability].Score);
    }

    [Fact]
    public void One_free_slot_is_enough_for_a_monthly_need()
    {
        var suggestion = Assert.Single(matcher.Suggest(Need(frequency: NeedFrequency.Monthly), [Volunteer("v", freeSlots: 1)]));

        Assert.Equal(1, suggestion.Factors[MatchFactors.Availability].Score);
        Assert.Equal("1 free slot a week (need: monthly)", suggestion.Factors[MatchFactors.Availability].En);
    }

    [Fact]
    public void Higher_rating_ranks_higher_and_unrated_is_neutral()
    {
        MatchVolunteer[] pool = [Volunteer("a-low", rating: 2), Volunteer("b-unrated"), Volunteer("c-high", rating: 4.5)];

        var suggestions = matcher.Suggest(Need(), pool);

        Assert.Equal(["c-high", "b-unrated", "a-low"], Ids(suggestions));
        Assert.Equal("社工评分 4.5/5", suggestions[0].Factors[MatchFactors.Rating].ZhCn);
        Assert.Equal("Not rated yet", suggestions[1].Factors[MatchFactors.Rating].En);
    }

    [Fact]
    public void Ties_rank_by_volunteer_id()
    {
        MatchVolunteer[] pool = [Volunteer("v3"), Volunteer("v1"), Volunteer("v2")];

        Assert.Equal(["v1", "v2", "v3"], Ids(matcher.Suggest(Need(), pool)));
    }

    [Fact]
    public void Take_keeps_only_the_best()
    {
        var pool = Enumerable.Range(0, 50).Select(k => Volunteer($"v{k:00}", kmNorth: 0.1 * (k + 1))).ToArray();

        var suggestions = matcher.Suggest(Need(), pool, take: 3);

        Assert.Equal(["v00", "v01", "v02"], Ids(suggestions));
        Assert.Empty(matcher.Suggest(Need(), pool, take: 0));
        Assert.Equal(50, matcher.Suggest(Need(), pool, take: int.MaxValue).Count);
    }

    [Fact]
    public void Explanations_are_in_Chinese_and_English_for_every_factor()
    {
        var need = Need(skills: ["义剪", "探访"]);
        var volunteer = Volunteer("v", kmNorth: 1.2, skills: ["义剪", "探访"], categories: [NeedCategories.Elderly], maxTravelKm: 5);

        var suggestion = Assert.Single(matcher.Suggest(need, [volunteer]));

        Assert.Equal(MatchFactors.All, suggestion.Factors.Keys);
        Assert.All(suggestion.Factors.Values, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.ZhCn));
            Assert.False(string.IsNullOrWhiteSpace(f.En));
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", f.ZhCn);
            Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", f.En.Replace("(助老)", "", StringComparison.Ordinal));
        });
        Assert.Equal("技能完全匹配 (2/2)", suggestion.Factors[MatchFactors.Skills].ZhCn);
        Assert.Equal("All required skills (2/2)", suggestion.Factors[MatchFactors.Skills].En);
        Assert.Equal("距离 1.2 公里", suggestion.Factors[MatchFactors.Distance].ZhCn);
        Assert.Equal("1.2 km away", suggestion.Factors[MatchFactors.Distance].En);
        Assert.Equal("愿意服务助老类家庭；在其 5.0 公里出行范围内", suggestion.Factors[MatchFactors.Willingness].ZhCn);
        Assert.Equal("Chose elderly (助老) households; within their 5.0 km travel range", suggestion.Factors[MatchFactors.Willingness].En);
    }

    [Fact]
    public void Missing_skills_are_named_in_the_explanation()
    {
        var suggestion = Assert.Single(matcher.Suggest(Need(skills: ["义剪", "心理"]), [Volunteer("v", skills: ["义剪"])]));

        Assert.Equal("部分技能匹配 (1/2)：缺少心理", suggestion.Factors[MatchFactors.Skills].ZhCn);
        Assert.Equal("Some required skills (1/2): missing 心理", suggestion.Factors[MatchFactors.Skills].En);
    }

    [Fact]
    public void Score_is_the_sum_of_factor_points_on_a_0_to_100_scale()
    {
        var options = new MatchingOptions { SkillsWeight = 3, DistanceWeight = 2, RatingWeight = 0 };
        var pool = Enumerable.Range(0, 20).Select(k => Volunteer($"v{k}", kmNorth: k * 0.4, rating: k % 6, freeSlots: k % 4, served: k % 3 == 0 ? ["h1"] : null)).ToArray();

        var suggestions = new Matcher(options).Suggest(Need(), pool, take: 20);

        Assert.All(suggestions, s =>
        {
            Assert.InRange(s.Score, 0, 100);
            Assert.Equal(s.Score, s.Factors.Values.Sum(f => f.Points), tolerance: 0.05);
            Assert.Equal(1, s.Factors.Values.Sum(f => f.Weight), tolerance: 0.001);
            Assert.Equal(0, s.Factors[MatchFactors.Rating].Weight);
        });
    }

    [Fact]
    public void Perfect_volunteer_scores_100()
    {
        var volunteer = Volunteer("v", kmNorth: 0, rating: 5, served: ["h1"], categories: [NeedCategories.Elderly]);

        var suggestion = Assert.Single(matcher.Suggest(Need(), [volunteer]));

        Assert.Equal(100, suggestion.Score, tolerance: 0.05);
    }

    [Fact]
    public void Prepared_pool_gives_the_same_suggestions_as_the_list()
    {
        var pool = Enumerable.Range(0, 30).Select(k => Volunteer($"v{k}", kmNorth: k * 0.3, rating: k % 5)).ToArray();
        var prepared = new MatchPool(pool);

        var fromList = matcher.Suggest(Need(), pool);
        var fromPrepared = matcher.Suggest(Need(), prepared);

        Assert.Equal(fromList.Select(s => (s.VolunteerId, s.Score)), fromPrepared.Select(s => (s.VolunteerId, s.Score)));
    }

    [Fact]
    public void Suggestion_serialises_to_camelCase_json_with_factors_by_key()
    {
        var suggestion = Assert.Single(matcher.Suggest(Need(), [Volunteer("v")]));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(suggestion, new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        Assert.Equal("v", json.RootElement.GetProperty("volunteerId").GetString());
        var skills = json.RootElement.GetProperty("factors").GetProperty("skills");
        Assert.Equal(1, skills.GetProperty("score").GetDouble());
        Assert.Equal("技能完全匹配 (1/1)", skills.GetProperty("zhCn").GetString());
        Assert.Equal("All required skills (1/1)", skills.GetProperty("en").GetString());
    }

    [Fact]
    public void Pool_with_a_volunteer_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() => new MatchPool([Volunteer("v"), Volunteer("v")]));

    [Fact]
    public void Meaningless_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new Matcher(new MatchingOptions { SkillsWeight = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Matcher(new MatchingOptions { MaxPairingsPerVolunteer = 0 }));
    }
}
