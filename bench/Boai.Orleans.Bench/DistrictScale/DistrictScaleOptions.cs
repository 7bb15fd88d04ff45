using System.Globalization;

namespace Boai.Orleans.Bench.DistrictScale;

/// <summary>A district-scale run's settings, from <c>--name value</c> arguments (bench.sh passes them).</summary>
public sealed class DistrictScaleOptions
{
    public Uri DashboardUrl { get; private set; } = new("http://127.0.0.1:5000");

    public string StorageConnectionString { get; private set; } = "UseDevelopmentStorage=true";

    public string DistrictTable { get; private set; } = "BoaiDistricts";

    public int GatewayPort { get; private set; } = 30000;

    public int? SiloPid { get; private set; }

    public string AzuriteVersion { get; private set; } = "unknown";

    public string Command { get; private set; } = "./bench.sh --district-scale";

    public string? OutputPath { get; private set; }

    public string District { get; private set; } = "xiaolan";

    public int Volunteers { get; private set; } = 180_000;

    public int Households { get; private set; } = 20_000;

    public int Uncovered { get; private set; } = 2_000;

    public int Teams { get; private set; } = 1_400;

    public int SuggestionRequests { get; private set; } = 1_000;

    public int Phones { get; private set; } = 64;

    public int Concurrency { get; private set; } = 32;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(20);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    public static DistrictScaleOptions Parse(IReadOnlyList<string> args)
    {
        var o = new DistrictScaleOptions();
        if (args.Contains("--quick"))
        {
            (o.Volunteers, o.Households, o.Uncovered, o.Teams, o.SuggestionRequests, o.Phones, o.Concurrency) = (5_000, 1_000, 200, 50, 100, 16, 8);
            (o.Duration, o.Warmup) = (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
        }

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
                case "--azurite-version": o.AzuriteVersion = Value(); break;
                case "--command": o.Command = Value(); break;
                case "--output": o.OutputPath = Value(); break;
                case "--district": o.District = Value(); break;
                case "--volunteers": o.Volunteers = Count(); break;
                case "--households": o.Households = Count(); break;
                case "--uncovered": o.Uncovered = Count(); break;
                case "--teams": o.Teams = Count(); break;
                case "--concurrency": o.Concurrency = Count(); break;
                case "--duration": o.Duration = TimeSpan.FromSeconds(Count()); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return o;
    }
}
