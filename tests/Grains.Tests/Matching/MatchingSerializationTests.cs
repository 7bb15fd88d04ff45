using Boai.Orleans.Model;
using Boai.Orleans.Matching;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static Boai.Orleans.Grains.Tests.Matching.MatchingData;

namespace Boai.Orleans.Grains.Tests.Matching;

/// <summary>Matching inputs and results cross grain boundaries: Orleans must copy them faithfully.</summary>
public sealed class MatchingSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    [Fact]
    public void Volunteers_and_needs_survive_Orleans_serialisation()
    {
        var volunteer = Volunteer("v", skills: ["义剪"], categories: [NeedCategories.Elderly], served: ["h1"], rating: 4);
        var need = Need(skills: ["义剪"], frequency: NeedFrequency.Fortnightly, priority: 2);

        var volunteerCopy = RoundTrip(volunteer);
        var needCopy = RoundTrip(need);

        Assert.Equal(volunteer.Skills, volunteerCopy.Skills);
        Assert.Equal(volunteer.FreeSlots, volunteerCopy.FreeSlots);
        Assert.Equal(volunteer.HouseholdsServed, volunteerCopy.HouseholdsServed);
        Assert.Equal((volunteer.HomeLat, volunteer.Rating, volunteer.Active), (volunteerCopy.HomeLat, volunteerCopy.Rating, volunteerCopy.Active));
        Assert.Equal(need.RequiredSkills, needCopy.RequiredSkills);
        Assert.Equal(need with { RequiredSkills = needCopy.RequiredSkills }, needCopy);
    }

    [Fact]
    public void Suggestions_and_plans_survive_Orleans_serialisation()
    {
        MatchVolunteer[] pool = [Volunteer("v1"), Volunteer("v2", kmNorth: 3)];
        var suggestions = new Matcher().Suggest(Need(), pool);
        var plan = new DistrictPlanner().Plan([Need("n1"), Need("n2", household: "h2")], pool);

        var suggestionsCopy = RoundTrip(suggestions);
        var planCopy = RoundTrip(plan);

        Assert.Equal(suggestions.Select(s => (s.VolunteerId, s.Score)), suggestionsCopy.Select(s => (s.VolunteerId, s.Score)));
        Assert.Equal(suggestions[0].Factors, suggestionsCopy[0].Factors);
        Assert.Equal(plan.Assignments.Select(a => (a.NeedId, a.VolunteerId, a.Score)), planCopy.Assignments.Select(a => (a.NeedId, a.VolunteerId, a.Score)));
        Assert.Equal(plan.TotalScore, planCopy.TotalScore);
    }
}
