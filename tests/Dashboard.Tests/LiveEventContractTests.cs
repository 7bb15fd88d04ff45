using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Live;
using Boai.Orleans.Testing;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>
/// The page's list of live events and the fields it reads (wwwroot/js/live-events.js) against the C# event records as
/// the hub serializes them: a renamed, dropped or new event fails here rather than on a coordinator's screen.
/// </summary>
public sealed class LiveEventContractTests
{
    [Fact]
    public async Task The_page_consumes_every_district_event_and_reads_only_fields_the_records_send()
    {
        var sent = ServerEvents();
        var page = await PageEventsAsync();

        foreach (var (kind, fields) in page)
        {
            Assert.True(sent.ContainsKey(kind), $"The page listens to '{kind}', which no C# live event sends");
            var missing = fields.Except(sent[kind].Fields).ToList();
            Assert.True(missing.Count == 0, $"The page reads {string.Join(", ", missing)} of '{kind}', which the C# record does not send");
        }

        foreach (var (kind, evt) in sent.Where(e => e.Value.ToDistrict))
        {
            Assert.True(page.ContainsKey(kind), $"The hub sends '{kind}' to district watchers, and the page does not handle it");
        }

        // A district card copies every figure of districtSummary: the lists are the same.
        Assert.Equal(sent["districtSummary"].Fields.Order(StringComparer.Ordinal), page["districtSummary"].Order(StringComparer.Ordinal));
    }

    [Fact]
    public void District_summary_events_carry_the_coverage_of_the_summary()
    {
        var summary = new Districts.DistrictSummary("d", "D", "D", 3, 4, 1, 0, 0, 0, 2, 1, 0.5, 0.75);
        Assert.Equal(0.75, DistrictSummaryEvent.From(summary).Coverage);
    }

    private sealed record SentEvent(IReadOnlyList<string> Fields, bool ToDistrict);

    /// <summary>Each concrete <see cref="LiveEvent"/>'s hub method name and JSON property names, as the dashboard host serializes it.</summary>
    private static Dictionary<string, SentEvent> ServerEvents()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        var events = new Dictionary<string, SentEvent>(StringComparer.Ordinal);
        foreach (var type in typeof(LiveEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LiveEvent)) && !t.IsAbstract))
        {
            var instance = (LiveEvent)RuntimeHelpers.GetUninitializedObject(type);
            var fields = options.GetTypeInfo(type).Properties.Select(p => p.Name).Where(n => n != "kind").ToList();
            var toDistrict = instance is not IVolunteerLiveEvent personal || personal.AlsoToDistrict;
            events.Add(instance.Kind, new SentEvent(fields, toDistrict));
        }

        Assert.NotEmpty(events);
        return events;
    }

    /// <summary>LIVE_EVENTS of the page's module, read by node as the browser would import it.</summary>
    private static async Task<Dictionary<string, List<string>>> PageEventsAsync()
    {
        var module = Path.Combine(RepositoryRoot.Find(), "src", "Dashboard", "wwwroot", "js", "live-events.js");
        var start = new ProcessStartInfo("node", ["--input-type=module", "-e", $"const m = await import({JsonSerializer.Serialize(new Uri(module).AbsoluteUri)}); console.log(JSON.stringify(m.LIVE_EVENTS));"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, errors);
        return JsonSerializer.Deserialize<Dictionary<string, List<string>>>(output)!;
    }
}
