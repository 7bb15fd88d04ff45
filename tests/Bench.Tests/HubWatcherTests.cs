using System.Text;
using Boai.Orleans.Bench.EndToEnd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Boai.Orleans.Bench.Tests;

public class HubWatcherTests
{
    [Fact]
    public void Split_hands_over_whole_records_and_leaves_an_unfinished_one()
    {
        var data = Encoding.UTF8.GetBytes("{\"type\":6}\u001e{\"type\":1,\"target\":\"x\",\"arguments\":[]}\u001e{\"type\":1,\"tar");
        var records = new List<string>();

        var consumed = WebSocketWatcher.Split(data, r => records.Add(Encoding.UTF8.GetString(r)));

        Assert.Equal(["{\"type\":6}", "{\"type\":1,\"target\":\"x\",\"arguments\":[]}"], records);
        Assert.Equal("{\"type\":1,\"tar", Encoding.UTF8.GetString(data.AsSpan(consumed)));
    }

    [Fact]
    public void Records_come_out_whole_and_in_order_however_the_messages_cut_them()
    {
        string[] sent = ["{\"type\":6}", "{\"type\":1,\"target\":\"visitCheckedIn\",\"arguments\":[{\"visitId\":\"bd-1\",\"name\":\"长者\"}]}", "{}", new('x', 40_000)];
        var stream = Encoding.UTF8.GetBytes(string.Concat(sent.Select(r => r + "\u001e")));
        foreach (var cut in new[] { 1, 2, 3, 7, 64, 16_384, 50_000, stream.Length })
        {
            var buffer = new WebSocketWatcher.RecordBuffer();
            var records = new List<string>();
            for (var at = 0; at < stream.Length; at += cut)
            {
                var chunk = stream.AsSpan(at, Math.Min(cut, stream.Length - at));
                chunk.CopyTo(buffer.Free.Span);
                buffer.Received(chunk.Length, r => records.Add(Encoding.UTF8.GetString(r)));
            }

            Assert.Equal(sent, records);
        }
    }

    [Theory]
    [InlineData("{\"type\":1,\"target\":\"visitCheckedIn\",\"arguments\":[{\"visitId\":\"bd-7\",\"household\":{\"visitId\":\"no\"}}]}", 1, true, 7, null)]
    [InlineData("{\"type\":1,\"target\":\"visitCheckedOut\",\"arguments\":[{\"districtId\":\"shiqi\",\"visitId\":\"bd-8\"}]}", 1, false, 8, null)]
    [InlineData("{\"target\":\"visitCheckedIn\",\"arguments\":[{\"visitId\":\"bd-912\"}],\"type\":1}", 1, true, 912, null)]
    [InlineData("{\"type\":1,\"target\":\"visitCheckedIn\",\"arguments\":[{\"visitId\":\"bd\\u002d5\"}]}", 1, true, 5, null)]
    [InlineData("{\"type\":1,\"target\":\"visitCheckedIn\",\"arguments\":[{\"visitId\":\"bw-3\"}]}", 1, true, -1, null)]
    [InlineData("{\"type\":1,\"target\":\"visitCheckedIn\",\"arguments\":[{\"visitId\":\"bd-3x\"}]}", 1, true, -1, null)]
    [InlineData("{\"type\":1,\"target\":\"needUncovered\",\"arguments\":[{\"visitId\":\"bd-1\"}]}", 1, null, null, null)]
    [InlineData("{\"type\":3,\"invocationId\":\"1\",\"result\":[\"shiqi\"]}", 3, null, null, null)]
    [InlineData("{\"type\":3,\"invocationId\":\"1\",\"error\":\"not allowed\"}", 3, null, null, "not allowed")]
    [InlineData("{\"type\":6}", 6, null, null, null)]
    public void Parse_reads_the_type_the_visit_event_and_its_visit_number_under_the_prefix(string json, int type, bool? checkedIn, int? visit, string? error)
    {
        Assert.Equal(new WebSocketWatcher.HubRecord(type, checkedIn, visit, error), WebSocketWatcher.Parse(Encoding.UTF8.GetBytes(json), "bd-"u8));
    }

    [Theory]
    [InlineData("bd-0", 0)]
    [InlineData("bd-2147483647", int.MaxValue)]
    [InlineData("bd-2147483648", -1)]
    [InlineData("bd--1", -1)]
    [InlineData("bd-", -1)]
    [InlineData("bc-1", -1)]
    [InlineData("b", -1)]
    public void A_visit_number_is_the_whole_rest_of_an_id_under_the_prefix(string visitId, int number)
    {
        Assert.Equal(number, HubWatcher.VisitNumber(Encoding.UTF8.GetBytes(visitId), "bd-"u8));
    }

    [Fact]
    public async Task A_watcher_on_a_real_hub_notes_each_visit_event_once_with_its_prefix_and_ignores_the_rest()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddSignalR();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<WatchHub>("/hubs/dashboard");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var hub = app.Services.GetRequiredService<IHubContext<WatchHub>>();

        await using var watcher = await HubWatcher.StartAsync(new Uri(new Uri(address), "/hubs/dashboard"), "token", "bd-", visits: 10, typedClient: false);
        Assert.True(WatchHub.Watching.Task.IsCompletedSuccessfully);
        await hub.Clients.All.SendAsync("visitCheckedIn", new { visitId = "bd-1", districtId = "shiqi" });
        await hub.Clients.All.SendAsync("needUncovered", new { visitId = "bd-2" });
        await hub.Clients.All.SendAsync("visitCheckedIn", new { visitId = "bc-3" });
        await hub.Clients.All.SendAsync("visitCheckedOut", new { visitId = "bd-1" });
        await hub.Clients.All.SendAsync("visitCheckedOut", new { visitId = "bd-1" });
        await hub.Clients.All.SendAsync("visitCheckedIn", new { visitId = "bd-4", note = new string('长', 40_000) });
        await hub.Clients.All.SendAsync("visitCheckedIn", new { visitId = "bd-10" });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(watcher.HasBoth(1) && watcher.TryGetCheckedIn(4, out _) && watcher.Duplicates == 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // bd-10 is beyond the 10 visits watched (0-9), bc-3 another phase's, bd-2 another event's: all ignored.
        Assert.Equal([1, 4], watcher.Received(checkedIn: true));
        Assert.Equal([1], watcher.Received(checkedIn: false));
        Assert.Equal(1, watcher.Duplicates);
        Assert.Equal("Bearer token", WatchHub.Authorization);
    }

    private sealed class WatchHub : Hub
    {
        public static readonly TaskCompletionSource Watching = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static string? Authorization { get; private set; }

        public IReadOnlyList<string> WatchAll()
        {
            Authorization = Context.GetHttpContext()?.Request.Headers.Authorization;
            Watching.TrySetResult();
            return ["shiqi"];
        }
    }
}
