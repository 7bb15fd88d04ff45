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
}
