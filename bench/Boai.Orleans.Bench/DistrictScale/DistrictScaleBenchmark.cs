using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Boai.Orleans.Bench.EndToEnd;
using Boai.Orleans.Districts;
using Boai.Orleans.Hosting;
using Boai.Orleans.Hosting.Storage;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Core.Internal;

namespace Boai.Orleans.Bench.DistrictScale;

/// <summary>
/// One 越秀-size district on one silo (<c>./bench.sh --district-scale</c>): seeded straight into storage, then its cold
/// activation and memory, suggestions for one need, the district plan, a volunteer leaving until <c>suggestionsReady</c>
/// reaches a watcher, and check-ins into that one district beside the same load spread over the city.
/// </summary>
public static class DistrictScaleBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var o = DistrictScaleOptions.Parse(args);
        var loadBefore = Machine.LoadAverage();
        using var api = new BoaiApi(o.DashboardUrl);
        var operatorToken = await api.TokenAsync("bench-operator", "operator");
        var districts = await api.DistrictIdsAsync(operatorToken);

        using var clientHost = await ClientAsync(o.GatewayPort);
        var grains = clientHost.Services.GetRequiredService<IClusterClient>();
        var directory = DistrictDirectory.Load(null);
        var centre = directory.Find(o.District)?.Center ?? throw new ArgumentException($"unknown district {o.District}");

        Log($"seeding {o.Volunteers:N0} volunteers, {o.Households:N0} households ({o.Uncovered:N0} uncovered needs) of {o.District} into storage");
        var seedClock = Stopwatch.StartNew();
        var transactions = BoaiTableService.CreateTransactions(new StorageSettings { ConnectionString = o.StorageConnectionString }, TimeSpan.FromSeconds(30));
        await DistrictSeeder.SeedAsync(new TableClient(o.StorageConnectionString, o.DistrictTable), transactions, o.District, centre, o.Volunteers, o.Households, o.Uncovered, DateTimeOffset.UtcNow);
        var rowsSeconds = seedClock.Elapsed.TotalSeconds;
        Log($"rows written in {rowsSeconds:0.0} s; {o.Teams:N0} teams through their grains");
        await DistrictSeeder.SeedTeamsAsync(grains, o.District, o.Teams, o.Volunteers);
        var seedSeconds = seedClock.Elapsed.TotalSeconds;

        // Cold activation: the district was woken empty at silo start; deactivate it, then time the dashboard snapshot.
        var district = grains.GetGrain<IDistrictGrain>(o.District);
        await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssBefore = o.SiloPid is { } p1 ? MemoryProbe.Rss(p1) : 0;
        // What the activation reads (all but the volunteers' whole records), then what it reads after, without a silo.
        var store = new TableDistrictStore(o.District, new TableClient(o.StorageConnectionString, o.DistrictTable), transactions);
        var readClock = Stopwatch.StartNew();
        var rows = await store.LoadAsync(CancellationToken.None);
        var partitionReadMs = readClock.Elapsed.TotalMilliseconds;
        readClock.Restart();
        var volunteerRows = (await store.ReadVolunteersAsync(CancellationToken.None)).Count;
        var volunteersReadMs = readClock.Elapsed.TotalMilliseconds;
        Log($"activation read: {rows.Count:N0} rows in {partitionReadMs / 1000:0.0} s; then {volunteerRows:N0} volunteers in {volunteersReadMs / 1000:0.0} s");

        var activation = Stopwatch.StartNew();
        var coldStart = Stopwatch.GetTimestamp();
        var unavailable = 0;
        string? activationFailure = null;
        System.Text.Json.Nodes.JsonNode? summary = null;
        while (summary is null && activationFailure is null)
        {
            try
            {
                summary = await api.GetAsync($"/api/v1/districts/{o.District}", operatorToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && activation.Elapsed < TimeSpan.FromMinutes(3))
            {
                // The dashboard gives up on a grain call after its response timeout (10 s) and answers 503; a coordinator's
                // page asks again, and so does this, until the activation has finished.
                unavailable++;
            }
            catch (HttpRequestException ex)
            {
                activationFailure = $"{(int?)ex.StatusCode} after {activation.Elapsed.TotalSeconds:0.0} s";
            }
        }

        activation.Stop();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var rssAfter = o.SiloPid is { } p2 ? MemoryProbe.Rss(p2) : 0;
        if (summary is null)
        {
            var failed = new DistrictScaleResult(
                o.District, o.Volunteers, o.Households, o.Uncovered, o.Teams, seedSeconds, rowsSeconds, partitionReadMs,
                activation.Elapsed.TotalMilliseconds, unavailable, activationFailure, rssBefore, rssAfter,
                LatencySummary.Empty, [], 0, 0, LatencySummary.Empty, 0, LatencySummary.Empty, 0, LatencySummary.Empty, 0,
                Machine.Describe(o.AzuriteVersion, loadBefore), o.Command, volunteersReadMs);
            Console.WriteLine(JsonSerializer.Serialize(failed));
            await Console.Error.WriteLineAsync(failed.ToMarkdown());
            return 0;
        }

        Log($"cold activation {activation.Elapsed.TotalSeconds:0.00} s");

        // The district answers before it has read its volunteers' whole records. Coordinators' updates right after the
        // cold start (real volunteers, households, needs and pairings of the district, through the API) never wait for
        // that read: timed from the same start. One more than the phones: the last one leaves, and is no phone later.
        var seedingFromMs = Stopwatch.GetElapsedTime(coldStart).TotalMilliseconds;
        var inDistrict = await SeedPairsAsync(api, operatorToken, o.Phones + 1, _ => o.District, "ysd");
        var seedingToMs = Stopwatch.GetElapsedTime(coldStart).TotalMilliseconds;
        Log($"{inDistrict.Count} pairings of {o.District} seeded through the API from {seedingFromMs / 1000:0.00} s to {seedingToMs / 1000:0.00} s after the cold start");

        // Matching needs the read and the pool made of it: timed from the same start, by asking for the ready suggestions.
        while (true)
        {
            try
            {
                await district.GetReadySuggestions();
                break;
            }
            catch (TimeoutException) when (activation.Elapsed < TimeSpan.FromMinutes(3))
            {
                // The client's response timeout; the read goes on.
            }
        }

        var volunteersReadyMs = Stopwatch.GetElapsedTime(coldStart).TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(5));
        rssAfter = o.SiloPid is { } p3 ? MemoryProbe.Rss(p3) : 0;
        Log($"volunteers read and matching ready {volunteersReadyMs / 1000:0.00} s after the cold start");

        // Real volunteers and households of the city for the city-wide check-ins.
        var leaver = inDistrict[^1];
        inDistrict.RemoveAt(inDistrict.Count - 1);
        var cityWide = await SeedPairsAsync(api, operatorToken, o.Phones, i => districts[i % districts.Count], "ysc");

        var suggestions = new LatencyRecorder();
        var need = inDistrict[0].NeedId;
        for (var i = 0; i < o.SuggestionRequests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var ranked = await api.GetAsync($"/api/v1/needs/{need}/suggestions?take=10", operatorToken);
            suggestions.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (i == 0 && ranked.AsArray().Count == 0)
            {
                throw new InvalidOperationException("no suggestions over the seeded volunteers");
            }
        }

        var plans = new List<PlanRun>();
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var plan = await api.GetAsync($"/api/v1/districts/{o.District}/plan", operatorToken);
            plans.Add(new PlanRun(Stopwatch.GetElapsedTime(started).TotalMilliseconds, plan["uncoveredNeeds"]!.GetValue<int>(), plan["proposals"]!.AsArray().Count));
        }

        var leaving = await LeavingAsync(api, o, operatorToken, leaver);

        Log("check-ins: city-wide closed loop to find the rate, then both open loop at half of it");
        var closed = await LoadRunner.ClosedLoopAsync(o.Concurrency, o.Warmup, o.Duration, async (worker, i) =>
        {
            var owned = (cityWide.Count - worker + o.Concurrency - 1) / o.Concurrency;
            var v = cityWide[worker + (o.Concurrency * (int)(i % owned))];
            await PairAsync(api, v, $"ysk-{worker}-{i}");
            return 1;
        });
        var rate = Math.Max(1, closed.UnitsPerSecond / 2);
        var count = (int)(rate * o.Duration.TotalSeconds);
        var city = await OpenLoopPairsAsync(api, cityWide, rate, count, "ysco");
        var single = await OpenLoopPairsAsync(api, inDistrict, rate, count, "ysdo");

        var result = new DistrictScaleResult(
            o.District, o.Volunteers, o.Households, o.Uncovered, o.Teams, seedSeconds, rowsSeconds, partitionReadMs,
            activation.Elapsed.TotalMilliseconds, unavailable, null, rssBefore, rssAfter,
            suggestions.Summarize(), plans, leaving, closed.UnitsPerSecond, closed.Latency, rate, city.Summary, city.Errors, single.Summary, single.Errors,
            Machine.Describe(o.AzuriteVersion, loadBefore), o.Command, volunteersReadMs, volunteersReadyMs, o.Phones + 1, seedingFromMs, seedingToMs);
        Console.WriteLine(JsonSerializer.Serialize(result));
        var markdown = result.ToMarkdown();
        await Console.Error.WriteLineAsync(markdown);
        if (o.OutputPath is { } path)
        {
            await File.WriteAllTextAsync(path, markdown);
        }

        return 0;
    }

    private static async Task<IHost> ClientAsync(int gatewayPort)
    {
        // The hosts bench.sh starts run as Demo (plaintext cluster ports on loopback); the client is one of them.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Demo" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Localhost",
            // bench.sh starts the silo in the Demo environment, listening on localhost without TLS: so does this client.
            ["Cluster:Tls:AllowPlaintext"] = "true",
            ["Cluster:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddBoaiClusterClient();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<List<BenchVolunteer>> SeedPairsAsync(BoaiApi api, string operatorToken, int count, Func<int, string> district, string prefix)
    {
        var seeded = new BenchVolunteer[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            seeded[i] = await api.SeedPairingAsync(operatorToken, $"{prefix}-v{i:D4}", $"{prefix}-h{i:D4}", district(i)));
        return [.. seeded];
    }

    private static async Task PairAsync(BoaiApi api, BenchVolunteer v, string visitId)
    {
        var now = DateTimeOffset.UtcNow;
        await api.CheckInAsync(v, visitId, now.AddHours(-1));
        await api.CheckOutAsync(v, visitId, now);
    }

    /// <summary>Pairs started at a constant rate; a volunteer's next visit waits for their last, and the wait counts.</summary>
    private static async Task<(LatencySummary Summary, int Errors)> OpenLoopPairsAsync(BoaiApi api, List<BenchVolunteer> volunteers, double rate, int count, string prefix)
    {
        var locks = volunteers.Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        await LoadRunner.OpenLoopAsync(rate, count, async (i, scheduled) =>
        {
            var slot = i % volunteers.Count;
            await locks[slot].WaitAsync();
            try
            {
                await PairAsync(api, volunteers[slot], $"{prefix}-{i}");
                latencies.Add(Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds);
            }
            catch (HttpRequestException ex)
            {
                // Counted and shown, never hidden: an error is a phone told its visit failed.
                Interlocked.Increment(ref errors);
                Log($"pair {prefix}-{i} failed: {ex.Message}");
            }
            finally
            {
                locks[slot].Release();
            }
        });
        var recorder = new LatencyRecorder();
        foreach (var ms in latencies)
        {
            recorder.Record(ms);
        }

        return (recorder.Summarize(), errors);
    }

    /// <summary>A paired volunteer leaves; how long until a watcher of the district hears suggestions for their need.</summary>
    private static async Task<double> LeavingAsync(BoaiApi api, DistrictScaleOptions o, string operatorToken, BenchVolunteer leaver)
    {
        var heard = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watcher = new HubConnectionBuilder()
            .WithUrl(new Uri(o.DashboardUrl, "/hubs/dashboard"), c => c.AccessTokenProvider = () => Task.FromResult<string?>(operatorToken))
            .Build();
        watcher.On<JsonElement>("suggestionsReady", e =>
        {
            if (e.GetProperty("needId").GetString() == leaver.NeedId)
            {
                heard.TrySetResult(Stopwatch.GetTimestamp());
            }
        });
        await watcher.StartAsync();
        await watcher.InvokeAsync("Watch", o.District);
        var started = Stopwatch.GetTimestamp();
        await api.SetVolunteerStatusAsync(operatorToken, leaver, "left");
        var at = await heard.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return Stopwatch.GetElapsedTime(started, at).TotalMilliseconds;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");
}

/// <summary>One district plan: how long it took, over how many uncovered needs, how many it proposed.</summary>
public sealed record PlanRun(double Ms, int Uncovered, int Proposals);

/// <summary>One district-scale run's figures.</summary>
public sealed record DistrictScaleResult(
    string District,
    int Volunteers,
    int Households,
    int Uncovered,
    int Teams,
    double SeedSeconds,
    double RowsSeconds,
    double PartitionReadMs,
    double ActivationMs,
    int ActivationUnavailable,
    string? ActivationFailure,
    long RssBeforeBytes,
    long RssAfterBytes,
    LatencySummary Suggestions,
    IReadOnlyList<PlanRun> Plans,
    double LeavingToSuggestionsReadyMs,
    double CityClosedLoopPairsPerSecond,
    LatencySummary CityClosedLoop,
    double OpenLoopRate,
    LatencySummary CityOpenLoop,
    int CityErrors,
    LatencySummary DistrictOpenLoop,
    int DistrictErrors,
    Machine Machine,
    string Command,
    double VolunteersReadMs,
    double VolunteersReadyMs = 0,
    int PairingsSeededAfterColdStart = 0,
    double SeedingFromMs = 0,
    double SeedingToMs = 0)
{
    public string ToMarkdown()
    {
        static string Verdict(bool met) => met ? "met" : "**missed**";
        var c = CultureInfo.InvariantCulture;
        // The first plan is the one computed: the district answers the next ones from its cache while nothing changed.
        var plan = Plans.Count > 0 ? Plans[0] : new PlanRun(0, 0, 0);
        var ratio = CityOpenLoop.P99 > 0 ? DistrictOpenLoop.P99 / CityOpenLoop.P99 : 0;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine.Cores} cores, {Machine.RamGiB} GiB RAM, {Machine.Os}, {Machine.Dotnet}, Azurite {Machine.Azurite}; load average {Machine.LoadBefore} before, {Machine.LoadAfter} after (the machine was shared with other builds).");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine(Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(c, $"District `{District}`: {Volunteers:N0} volunteers and {Households:N0} households ({Uncovered:N0} with an uncovered need) written as the district's storage rows in {RowsSeconds:N0} s, {Teams:N0} service teams through their grains ({SeedSeconds:N0} s in all).");
        sb.AppendLine();
        sb.AppendLine("| measure | result | target | |");
        sb.AppendLine("| --- | --- | --- | --- |");
        sb.AppendLine(c, $"| What the district's activation reads (all its rows but the volunteers' whole records), read and deserialized by a plain client; then the volunteers' records, which the district reads after it answers | {PartitionReadMs / 1000:0.0} s; then {VolunteersReadMs / 1000:0.0} s | | |");
        if (ActivationFailure is not null)
        {
            sb.AppendLine(c, $"| Cold activation: deactivated, then `GET /api/v1/districts/{District}` | **did not activate**: answered {ActivationFailure} ({ActivationUnavailable} answers 503 before; Orleans cancels an activation that runs past its activation timeout) | ≤ 10 s | **missed** |");
            sb.AppendLine(c, $"| Silo working set (VmRSS) before → after | {RssBeforeBytes / 1048576.0:N0} → {RssAfterBytes / 1048576.0:N0} MiB | | |");
            sb.AppendLine("| Suggestions, plan, leaving, check-ins into the district | not measured: the district is not active | | |");
            return sb.ToString();
        }

        sb.AppendLine(c, $"| Cold activation: deactivated, then `GET /api/v1/districts/{District}` (the dashboard snapshot) answered ({ActivationUnavailable} answers 503 on the way: the dashboard's 10 s grain-call timeout) | **{ActivationMs / 1000:0.00} s** | ≤ 10 s | {Verdict(ActivationMs <= 10_000)} |");
        sb.AppendLine(c, $"| Coordinators' updates right after the cold start, through the API: {PairingsSeededAfterColdStart} volunteers, households, needs and pairings of the district (16 at a time), from the same start | from {SeedingFromMs / 1000:0.00} s to **{SeedingToMs / 1000:0.00} s**, none refused | | |");
        sb.AppendLine(c, $"| … its volunteers' whole records read after the activation, matching ready (`GetReadySuggestions` answered, its pool prepared), from the same start | {VolunteersReadyMs / 1000:0.00} s | | |");
        sb.AppendLine(c, $"| Silo working set (VmRSS) before deactivation → after the reload | {RssBeforeBytes / 1048576.0:N0} → {RssAfterBytes / 1048576.0:N0} MiB | | |");
        sb.AppendLine(c, $"| Suggestions for one need (`GET /api/v1/needs/{{id}}/suggestions?take=10`), {Suggestions.Count:N0} requests one after another | p50 {Suggestions.P50:0.0} ms, **p99 {Suggestions.P99:0.0} ms** | p99 ≤ 50 ms | {Verdict(Suggestions.P99 <= 50)} |");
        sb.AppendLine(c, $"| District plan (`GET /api/v1/districts/{District}/plan`) over {plan.Uncovered:N0} uncovered needs, the first of {Plans.Count} (later ones come from the district's cache: {string.Join(", ", Plans.Select(p => $"{p.Ms / 1000:0.00} s"))}) | **{plan.Ms / 1000:0.00} s**, {plan.Proposals:N0} proposals | ≤ 5 s | {Verdict(plan.Ms <= 5_000)} |");
        sb.AppendLine(c, $"| A paired volunteer leaves (`PUT` status left) → `suggestionsReady` for their need at a watcher | **{LeavingToSuggestionsReadyMs:N0} ms** | | |");
        sb.AppendLine(c, $"| Check-in + check-out pairs, city-wide, closed loop (concurrency as below) | {CityClosedLoopPairsPerSecond:0.0} pairs/s, p99 {CityClosedLoop.P99:N0} ms | | |");
        sb.AppendLine(c, $"| … open loop at {OpenLoopRate:0.0} pairs/s, over all districts | p50 {CityOpenLoop.P50:N0} ms, **p99 {CityOpenLoop.P99:N0} ms** ({CityErrors} errors) | | |");
        sb.AppendLine(c, $"| … open loop at {OpenLoopRate:0.0} pairs/s, all into `{District}` | p50 {DistrictOpenLoop.P50:N0} ms, **p99 {DistrictOpenLoop.P99:N0} ms** ({DistrictErrors} errors): ×{ratio:0.00} of city-wide | ≤ ×1.5 | {Verdict(ratio <= 1.5)} |");
        return sb.ToString();
    }
}
