using System.Globalization;
using System.Net;
using Boai.Orleans.Model;
using Boai.Orleans.Testing;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>A real silo serves its own metrics to Prometheus, beside the dashboard's <c>/metrics</c>.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SiloMetricsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_silo_serves_its_grain_storage_and_Orleans_metrics_on_its_own_port_in_the_prometheus_format()
    {
        var port = FreePorts.Take(1)[0];
        var settings = TestClusterSettings.Create(fixture.Azurite.ConnectionString);
        settings["SiloMetrics:Port"] = port.ToString(CultureInfo.InvariantCulture);
        await using var silo = await TestSilo.StartAsync(settings);
        var stored = await silo.Grains.GetGrain<IVolunteerGrain>("v-metrics").Upsert(
            new VolunteerProfile("陈小明", "13800001234", "shiqi", ["visiting"], [new WeeklySlot(DayOfWeek.Monday, new(9, 0), new(12, 0))],
                VolunteerStatus.Active, new Willingness([], 5)),
            "test");
        Assert.True(stored.Succeeded);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        // The volunteer's write went through the grain storage on this silo, and Orleans counts its activations.
        Assert.Contains("boai_grain_storage_duration_milliseconds_count{", text, StringComparison.Ordinal);
        Assert.Contains("operation=\"write\"", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE orleans_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_without_a_metrics_port_opens_none()
    {
        var port = FreePorts.Take(1)[0];
        await using var silo = await TestSilo.StartAsync(TestClusterSettings.Create(fixture.Azurite.ConnectionString));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/metrics"));
    }
}
