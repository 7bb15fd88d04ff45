using System.Net;
using Boai.Orleans.Dashboard.Security;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class OrleansDashboardTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_cluster_view_is_for_operators_only()
    {
        using var anonymous = await fixture.Dashboard.CreateClient().GetAsync("/orleans/");
        using var volunteer = await fixture.Dashboard.Volunteer("v-orleans").GetAsync("/orleans/");
        using var coordinator = await fixture.Dashboard.Coordinator("shiqi").GetAsync("/orleans/");
        using var operatorPage = await fixture.Dashboard.Operator().GetAsync("/orleans/");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, volunteer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, coordinator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, operatorPage.StatusCode);
        Assert.Equal("text/html", operatorPage.Content.Headers.ContentType?.MediaType);

        // Its data come from the silos' dashboard grains; grain state is never served to anyone else.
        using var counters = await fixture.Dashboard.Operator().GetAsync("/orleans/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.Contains("\"totalActiveHostCount\"", await counters.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        using var state = await fixture.Dashboard.Coordinator("shiqi").GetAsync("/orleans/GrainState?grainId=x&grainType=y");
        Assert.Equal(HttpStatusCode.Forbidden, state.StatusCode);
    }

    [Fact]
    public async Task An_operator_opens_the_cluster_view_with_a_short_lived_http_only_cookie()
    {
        using var refused = await fixture.Dashboard.Coordinator("shiqi").PostAsync("/api/v1/operator/orleans-session", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var anonymous = await fixture.Dashboard.CreateClient().PostAsync("/api/v1/operator/orleans-session", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var opened = await fixture.Dashboard.Operator().PostAsync("/api/v1/operator/orleans-session", null);
        Assert.Equal(HttpStatusCode.NoContent, opened.StatusCode);
        var setCookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(OrleansDashboardRoutes.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/orleans", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=900", setCookie, StringComparison.OrdinalIgnoreCase);

        // The page's own fetches carry only the cookie.
        var cookie = setCookie.Split(';')[0];
        var browser = fixture.Dashboard.CreateClient();
        browser.DefaultRequestHeaders.Add("Cookie", cookie);
        using var page = await browser.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The cookie is good for /orleans only, not for the API.
        using var api = await browser.GetAsync("/api/v1/districts");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
