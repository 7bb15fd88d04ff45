using System.Net;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class MetricsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Metrics_are_served_to_operators_only_in_the_prometheus_format()
    {
        using var anonymous = await fixture.Dashboard.CreateClient().GetAsync("/metrics");
        using var coordinator = await fixture.Dashboard.Coordinator("shiqi").GetAsync("/metrics");
        using var metrics = await fixture.Dashboard.Operator().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, coordinator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
