using System.Globalization;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>What one end-to-end run measures and against what; parsed from <c>--name value</c> arguments (bench.sh passes them).</summary>
public sealed class BenchOptions
{
    public bool Quick { get; private set; }

    public Uri DashboardUrl { get; private set; } = new("http://127.0.0.1:5000");

    public string StorageConnectionString { get; private set; } = "UseDevelopmentStorage=true";

    public int GatewayPort { get; private set; } = 30000;

    public int? SiloPid { get; private set; }

    public string? SiloRuntimeConfig { get; private set; }

    public string AzuriteVersion { get; private set; } = "unknown";

    public string Command { get; private set; } = "./bench.sh";

    /// <summary>The markdown file whose end-to-end section the run rewrites; none in a quick run unless asked.</summary>
    public string? DocsPath { get; private set; }

    public string LedgerTable { get; private set; } = "BoaiVisitLedgerV2";

    public int Volunteers { get; private set; }

    public int Concurrency { get; private set; }

    public TimeSpan Duration { get; private set; }

    public TimeSpan Warmup { get; private set; }

    public int Watchers { get; private set; }

    /// <summary>Volunteer grains to activate for the memory figure, in steps (each step's total).</summary>
    public IReadOnlyList<int> MemoryGrains { get; private set; } = [];

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions { Quick = args.Contains("--quick") };
        o.Volunteers = o.Quick ? 48 : 500;
        o.Concurrency = o.Quick ? 8 : 32;
        o.Duration = TimeSpan.FromSeconds(o.Quick ? 3 : 20);
        o.Warmup = TimeSpan.FromSeconds(o.Quick ? 1 : 3);
        o.Watchers = o.Quick ? 5 : 50;
        var memory = new List<int> { o.Quick ? 2_000 : 100_000 };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            switch (args[i])
            {
                case "--quick": break;
                case "--dashboard-url": o.DashboardUrl = new Uri(Value()); break;
                case "--storage": o.StorageConnectionString = Value(); break;
                case "--gateway-port": o.GatewayPort = Count(); break;
                case "--silo-pid": o.SiloPid = Count(); break;
                case "--silo-runtimeconfig": o.SiloRuntimeConfig = Value(); break;
                case "--azurite-version": o.AzuriteVersion = Value(); break;
                case "--command": o.Command = Value(); break;
                case "--docs": o.DocsPath = Value(); break;
                case "--ledger-table": o.LedgerTable = Value(); break;
                case "--volunteers": o.Volunteers = Count(); break;
                case "--concurrency": o.Concurrency = Count(); break;
                case "--duration": o.Duration = TimeSpan.FromSeconds(Count()); break;
                case "--warmup": o.Warmup = TimeSpan.FromSeconds(Count()); break;
                case "--watchers": o.Watchers = Count(); break;
                case "--memory-grains": memory = [Count()]; break;
                case "--million": memory.Add(1_000_000); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (o.Volunteers < o.Concurrency)
        {
            throw new ArgumentException("--volunteers must be at least --concurrency: each worker checks in its own volunteers");
        }

        o.MemoryGrains = [.. memory.Distinct().Order()];
        return o;
    }
}
