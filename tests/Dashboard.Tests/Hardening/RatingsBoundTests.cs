using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.ServiceRecords;
using Boai.Orleans.Volunteers;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Finding 10's ratings: one per visit (a re-rating replaces it), a district's list paged and capped, sizes bounded.</summary>
[Collection(DashboardCollection.Name)]
public sealed class RatingsBoundTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Rating_a_visit_again_replaces_its_rating_in_the_figure_the_list_and_the_volunteers_average()
    {
        const string district = "henglan";
        var paired = await fixture.Records.PairedAsync(district);
        var resident = fixture.Dashboard.CreateClient();
        resident.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", fixture.Dashboard.Get<TokenSigning>().Issue("r-" + paired.HouseholdId, Roles.Resident, [], household: paired.HouseholdId).Token);
        var coordinator = fixture.Dashboard.Coordinator(district);
        var before = await Expect(coordinator.GetAsync($"/api/v1/districts/{district}/satisfaction"), HttpStatusCode.OK);
        var visitId = NewId("visit");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId)), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);

        await Expect(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 2, comment = "来晚了" }), HttpStatusCode.Created);
        var again = await Expect(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 5, comment = "后来很好" }), HttpStatusCode.OK);

        Assert.Equal(5, again["rating"]!["satisfaction"]!.GetValue<int>());
        var after = await Expect(coordinator.GetAsync($"/api/v1/districts/{district}/satisfaction"), HttpStatusCode.OK);
        Assert.Equal(before["ratings"]!.GetValue<int>() + 1, after["ratings"]!.GetValue<int>());
        Assert.Equal(before["byScore"]!["2"]!.GetValue<int>(), after["byScore"]!["2"]!.GetValue<int>());
        Assert.Equal(before["byScore"]!["5"]!.GetValue<int>() + 1, after["byScore"]!["5"]!.GetValue<int>());
        var page = await Expect(coordinator.GetAsync($"/api/v1/districts/{district}/ratings?limit=100"), HttpStatusCode.OK);
        var listed = Assert.Single(page["items"]!.AsArray(), r => r!["visitId"]!.GetValue<string>() == visitId)!;
        Assert.Equal(5, listed["satisfaction"]!.GetValue<int>());
        Assert.Equal("后来很好", listed["comment"]!.GetValue<string>());
        var volunteer = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{paired.VolunteerId}"), HttpStatusCode.OK);
        Assert.Equal(5, volunteer["averageRating"]!.GetValue<double>());
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/{district}/ratings"), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=501", "offset")]
    public async Task A_page_out_of_bounds_is_a_400_naming_the_field(string query, string field)
    {
        var problem = await Expect(fixture.Dashboard.Coordinator("henglan").GetAsync($"/api/v1/districts/henglan/ratings?{query}"), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_comment_over_500_characters_is_a_400_naming_it_and_changes_nothing()
    {
        var paired = await fixture.Records.PairedAsync("henglan");
        var resident = fixture.Dashboard.CreateClient();
        resident.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", fixture.Dashboard.Get<TokenSigning>().Issue("r-" + paired.HouseholdId, Roles.Resident, [], household: paired.HouseholdId).Token);
        var visitId = NewId("visit");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId)), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);

        var problem = await Expect(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 3, comment = new string('好', 501) }), HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["comment"]);
        Assert.Null((await fixture.Silo.Grains.GetGrain<IServiceRecordGrain>(visitId).Get())?.Rating);
    }

    [Fact]
    public async Task A_districts_list_keeps_the_latest_ratings_while_its_figure_counts_them_all()
    {
        var satisfaction = fixture.Silo.Grains.GetGrain<ISatisfactionGrain>(NewId("district"));
        var extra = 3;
        for (var i = 0; i < SatisfactionGrain.MaxListed + extra; i++)
        {
            await satisfaction.Record(new DistrictRating($"v{i}", "vol", i < extra ? 1 : 4, null, DateTimeOffset.UtcNow), previous: null);
        }

        var figure = await satisfaction.Get();
        var first = await satisfaction.Page(0, 100);
        var last = await satisfaction.Page(SatisfactionGrain.MaxListed - 1, 100);

        Assert.Equal(SatisfactionGrain.MaxListed + extra, figure.Ratings);
        Assert.Equal(extra, figure.ByScore[1]);
        Assert.Equal(SatisfactionGrain.MaxListed, first.Listed);
        Assert.Equal($"v{SatisfactionGrain.MaxListed + extra - 1}", first.Items[0].VisitId);
        Assert.Equal(100, first.NextOffset);
        Assert.Equal($"v{extra}", Assert.Single(last.Items).VisitId);
        Assert.Null(last.NextOffset);
    }

    [Fact]
    public async Task A_volunteers_average_is_over_their_latest_ratings_only()
    {
        var volunteerId = await fixture.Records.VolunteerAsync("henglan");
        var volunteer = fixture.Silo.Grains.GetGrain<IVolunteerGrain>(volunteerId);
        for (var i = 0; i < VolunteerGrain.MaxRatings; i++)
        {
            await volunteer.Rate(new Rating(1, "coord", DateTimeOffset.UtcNow, $"old-{i}"));
        }

        for (var i = 0; i < VolunteerGrain.MaxRatings; i++)
        {
            await volunteer.Rate(new Rating(5, "coord", DateTimeOffset.UtcNow, $"new-{i}"));
        }

        Assert.Equal(5, (await volunteer.Get())!.AverageRating);
    }
}
