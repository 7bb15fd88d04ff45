using Boai.Orleans.Bench.EndToEnd;

namespace Boai.Orleans.Bench.DistrictScale;

/// <summary>A district-scale run's settings, from <c>--name value</c> arguments (bench.sh passes them).</summary>
public sealed class DistrictScaleOptions : HostedRunOptions
{
    public string DistrictTable { get; private set; } = "BoaiDistricts";

    public string? OutputPath { get; private set; }

    public string District { get; private set; } = "xiaolan";

    public int Households { get; private set; }

    public int Uncovered { get; private set; }

    public int Teams { get; private set; }

    public int SuggestionRequests { get; private set; }

    public int Phones { get; private set; }

    public static DistrictScaleOptions Parse(IReadOnlyList<string> args)
    {
        var o = new DistrictScaleOptions { Command = "./bench.sh --district-scale" };
        o.Parse(args, quick =>
        {
            (o.Volunteers, o.Households, o.Uncovered, o.Teams, o.SuggestionRequests, o.Phones, o.Concurrency) = quick
                ? (5_000, 1_000, 200, 50, 100, 16, 8)
                : (180_000, 20_000, 2_000, 1_400, 1_000, 64, 32);
            (o.Duration, o.Warmup) = quick ? (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)) : (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3));
        });
        return o;
    }

    protected override bool Option(string name, Func<string> value, Func<int> count)
    {
        switch (name)
        {
            case "--output": OutputPath = value(); return true;
            case "--district": District = value(); return true;
            case "--households": Households = count(); return true;
            case "--uncovered": Uncovered = count(); return true;
            case "--teams": Teams = count(); return true;
            default: return false;
        }
    }
}
