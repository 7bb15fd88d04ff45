using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>The machine a run measured, with its load before and after (other work on it skews the bare figures).</summary>
public sealed record Machine(int Cores, double RamGiB, string Os, string Dotnet, string Azurite, string LoadBefore, string LoadAfter)
{
    public static Machine Describe(string azurite, string loadBefore) => new(
        Environment.ProcessorCount,
        Math.Round(MemTotalKb() / 1024.0 / 1024.0, 1),
        OsName(),
        RuntimeInformation.FrameworkDescription,
        azurite,
        loadBefore,
        LoadAverage());

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static long MemTotalKb() =>
        File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
                .Select(l => long.Parse(l["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).FirstOrDefault()
            : 0;

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                .Select(l => l["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault() ?? RuntimeInformation.OSDescription
            : RuntimeInformation.OSDescription;
}

/// <summary>Everything one run measured: printed as one JSON line, and as a table in docs/BENCHMARKS.md.</summary>
public sealed record BenchResult(
    string Mode,
    string Command,
    DateTimeOffset At,
    Machine Machine,
    int Volunteers,
    double SeedSeconds,
    ClosedLoopResult StorageSingle,
    ClosedLoopResult StorageBatched,
    ClosedLoopResult HttpFloor,
    ClosedLoopResult CheckIns,
    DashboardResult Dashboard,
    Durability Durability,
    string SiloGc,
    IReadOnlyList<MemoryStep> Memory,
    StoragePerPair? StoragePerPair = null,
    SiloRuntimeUse? PairsRuntime = null,
    SiloRuntimeUse? DashboardRuntime = null,
    StoragePerPair? DashboardStoragePerPair = null)
{
    public const string Begin = "<!-- bench:end-to-end:begin (written by ./bench.sh; edit the tool, not this block) -->";
    public const string End = "<!-- bench:end-to-end:end -->";
    public const double DashboardP99TargetMs = 250;
    public const long MemoryTargetBytes = 1_536L * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public double CheckInsOverStorage => Ratio(CheckIns.UnitsPerSecond, StorageSingle.UnitsPerSecond);

    public double CheckInsOverHttp => Ratio(CheckIns.UnitsPerSecond, HttpFloor.UnitsPerSecond);

    public bool CheckInTargetMet => CheckIns.UnitsPerSecond >= StorageSingle.UnitsPerSecond && Durability.MissingFromLedger == 0 && Durability.VolunteersShort == 0;

    /// <summary>At half the run's own max rate only: a rate given by <c>--dashboard-rate</c> does not count.</summary>
    public bool DashboardTargetMet => Dashboard.EventLatency.P99 <= DashboardP99TargetMs && Dashboard.EveryClientGotEveryEvent && Dashboard.Watchers >= 50 && !Dashboard.RateGiven;

    public MemoryStep? HundredThousand => Memory.FirstOrDefault(m => CumulativeGrains(m) >= 100_000);

    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    /// <summary>The markdown block between <see cref="Begin"/> and <see cref="End"/>.</summary>
    public string ToMarkdown()
    {
        var s = new StringBuilder();
        var m = Machine;
        s.AppendLine(Begin);
        s.AppendLine(Inv($"Run {At:yyyy-MM-dd HH:mm} UTC on {m.Cores} cores, {m.RamGiB} GiB RAM, {m.Os}, {m.Dotnet}, Azurite {m.Azurite}; load average {m.LoadBefore} before, {m.LoadAfter} after."));
        s.AppendLine("Every figure below comes from this one run, so the ratios compare like with like; the machine was shared with other work, so the bare rates are low and a quiet machine may rerun them.");
        s.AppendLine();
        s.AppendLine("```bash");
        s.AppendLine(Command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(Inv($"Load: closed loop at concurrency {CheckIns.Concurrency} for {CheckIns.Seconds:0.#} s per phase (latency there is service time), except the dashboard phase, which is open loop at a constant rate with latency counted from each check-in's scheduled send time. {Volunteers:N0} volunteers and {Volunteers:N0} households, one need and one pairing each, seeded through the HTTP API in {SeedSeconds:0.#} s. The bench dashboard's per-volunteer rate limit on the visit routes is raised so that it does not cap the run."));
        s.AppendLine();
        s.AppendLine("| measure | result | p50 / p99 | errors |");
        s.AppendLine("| --- | --- | --- | --- |");
        s.AppendLine(Inv($"| Storage floor: single-entity upserts (Azure.Data.Tables → Azurite) | **{StorageSingle.UnitsPerSecond:N0} /s** | {Lat(StorageSingle.Latency)} | {StorageSingle.Errors} |"));
        s.AppendLine(Inv($"| Storage floor: 100-entity transactions | **{StorageBatched.UnitsPerSecond:N0} entities/s** ({StorageBatched.OperationsPerSecond:N1} transactions/s) | {Lat(StorageBatched.Latency)} | {StorageBatched.Errors} |"));
        s.AppendLine(Inv($"| HTTP floor: `GET /health/live` | **{HttpFloor.UnitsPerSecond:N0} /s** | {Lat(HttpFloor.Latency)} | {HttpFloor.Errors} |"));
        s.AppendLine(Inv($"| Check-in + check-out pairs (HTTP, JWT, {CheckIns.Concurrency} concurrent) | **{CheckIns.UnitsPerSecond:N1} pairs/s** ({2 * CheckIns.UnitsPerSecond:N0} requests/s) | {Lat(CheckIns.Latency)} per pair | {CheckIns.Errors} |"));
        if (StoragePerPair is { } sp)
        {
            s.AppendLine(Inv($"| Storage requests per pair, counted by the silo's table clients (ledger, grain state, district rows; retries included) during the pairs phase, its warm-up's pairs included | **{sp.Requests:N2} requests**: {sp.Transactions:N2} entity-group transactions (of them {sp.LedgerAppends:N2} ledger appends; {sp.DistrictFlushes:N2} district writes) carrying {sp.TransactionEntities:N1} entities, {sp.Writes:N2} single writes, {sp.Reads:N2} reads | | |"));
        }

        s.AppendLine(Inv($"| Durability: acknowledged check-outs found in the ledger table; volunteers whose hours route counts fewer visits than acknowledged | {Durability.Acknowledged - Durability.MissingFromLedger:N0} of {Durability.Acknowledged:N0}; {Durability.VolunteersShort} of {Durability.VolunteersChecked:N0} short | | {Durability.MissingFromLedger} lost |"));
        var d = Dashboard;
        s.AppendLine(Inv($"| Dashboard: {d.Watchers} SignalR watchers ({d.Client}), check-ins open loop at {d.TargetPerSecond:N1}/s ({(d.RateGiven ? "given by --dashboard-rate" : "half the pair rate")}; achieved {d.AchievedPerSecond:N1}/s) after a {d.WarmupSeconds:0} s warm-up at that rate: check-in request → `visitCheckedIn` at each watcher | {d.EventLatency.Count:N0} deliveries, {d.MissingEvents} missing, {d.DuplicateEvents} duplicated | {Lat(d.EventLatency)} | {d.Errors} |"));
        s.AppendLine(Inv($"| … the check-in request itself, from its scheduled send | | {Lat(d.CheckInLatency)} | |"));
        if (DashboardStoragePerPair is { } dp)
        {
            s.AppendLine(Inv($"| … storage requests per check-in + check-out in that phase (warm-up included) | **{dp.Requests:N2} requests**: {dp.Transactions:N2} entity-group transactions (of them {dp.LedgerAppends:N2} ledger appends; {dp.DistrictFlushes:N2} district writes) carrying {dp.TransactionEntities:N1} entities, {dp.Writes:N2} single writes, {dp.Reads:N2} reads | | |"));
        }

        foreach (var (phase, use) in new[] { ("pairs phase, per pair", PairsRuntime), ("dashboard phase (warm-up included), per check-in + check-out", DashboardRuntime) })
        {
            if (use is not null)
            {
                s.AppendLine(Inv($"| Silo allocations and GC, {phase} (the silo's own `GC` counters) | **{use.AllocatedKiBPerPair:N0} KiB allocated**; paused {use.GcPauseMsPerSecond:N0} ms a second in {use.CollectionsPerSecond:N1} collections a second ({use.Gen1PerSecond:N1} of generation 1 or 2, {use.Gen2PerSecond:N1} of 2) | | |"));
            }
        }

        foreach (var step in Memory)
        {
            s.AppendLine(Inv($"| Silo working set (VmRSS) after activating {step.Grains:N0} more volunteer grains ({CumulativeGrains(step):N0} in all; {step.ActivationsPerSecond:N0} activations/s; {step.ActivationsAfter?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} activations in the silo{(step.Failed > 0 ? Inv($"; {step.Failed:N0} calls failed") : "")}) | **{Mib(step.RssAfterBytes)}** (from {Mib(step.RssBeforeBytes)}): **{step.BytesPerGrain:N0} bytes per grain** | | |"));
        }

        s.AppendLine();
        s.AppendLine(Inv($"Ratios: check-in pairs/s over single-upsert floor **{CheckInsOverStorage:0.000}**; over HTTP floor **{CheckInsOverHttp:0.000}**. Silo GC: {SiloGc}."));
        s.AppendLine();
        s.AppendLine("| target (issue 6) | measured | |");
        s.AppendLine("| --- | --- | --- |");
        s.AppendLine(Inv($"| Durable check-ins/s ≥ single-upsert floor | {CheckIns.UnitsPerSecond:N1} vs {StorageSingle.UnitsPerSecond:N0} (×{CheckInsOverStorage:0.000}); {Durability.MissingFromLedger} acknowledged lost | {(CheckInTargetMet ? "met" : "**missed**")} |"));
        s.AppendLine(Inv($"| Dashboard p99 ≤ 250 ms at half the max rate, 50 watchers, every event delivered | p99 {d.EventLatency.P99:N0} ms, {d.Watchers} watchers, {(d.EveryClientGotEveryEvent ? "every event delivered" : $"{d.MissingEvents} missing")} | {(DashboardTargetMet ? "met" : "**missed**")} |"));
        if (HundredThousand is { } hundred)
        {
            s.AppendLine(Inv($"| 100,000 active volunteer grains in < 1.5 GiB silo working set | {Mib(hundred.RssAfterBytes)} | {(hundred.RssAfterBytes < MemoryTargetBytes ? "met" : "**missed**")} |"));
        }
        else
        {
            s.AppendLine("| 100,000 active volunteer grains in < 1.5 GiB silo working set | not measured in this run (fewer grains) | — |");
        }

        s.AppendLine(End);
        return s.ToString();
    }

    /// <summary>Replaces the generated block of <paramref name="markdown"/>, or appends it when there is none.</summary>
    public static string Splice(string markdown, string block)
    {
        var begin = markdown.IndexOf(Begin, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            var after = end + End.Length;
            if (after < markdown.Length && markdown[after] == '\n')
            {
                after++;
            }

            return markdown[..begin] + block + markdown[after..];
        }

        return markdown.TrimEnd() + "\n\n" + block;
    }

    private int CumulativeGrains(MemoryStep step) => Memory.TakeWhile(m => m != step).Sum(m => m.Grains) + step.Grains;

    private static double Ratio(double a, double b) => b > 0 ? a / b : 0;

    private static string Lat(LatencySummary l) => l.Count == 0 ? "—" : Inv($"{l.P50:N1} / {l.P99:N1} ms");

    private static string Mib(long bytes) => Inv($"{bytes / 1024.0 / 1024.0:N0} MiB");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
