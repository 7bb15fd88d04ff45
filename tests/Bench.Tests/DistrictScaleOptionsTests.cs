using Boai.Orleans.Bench.DistrictScale;

namespace Boai.Orleans.Bench.Tests;

public class DistrictScaleOptionsTests
{
    [Fact]
    public void The_full_run_is_yuexiu_size_and_quick_is_small()
    {
        var full = DistrictScaleOptions.Parse([]);
        var quick = DistrictScaleOptions.Parse(["--quick"]);

        Assert.Equal((180_000, 20_000, 2_000, 1_400), (full.Volunteers, full.Households, full.Uncovered, full.Teams));
        Assert.True(quick.Quick);
        Assert.True(quick.Volunteers < full.Volunteers && quick.Duration < full.Duration);
        Assert.Equal("./bench.sh --district-scale", full.Command);
    }

    [Fact]
    public void Shared_and_own_options_are_read_by_the_one_parser()
    {
        var o = DistrictScaleOptions.Parse(["--quick", "--volunteers", "40000", "--dashboard-url", "http://127.0.0.1:5999", "--district", "tanzhou", "--warmup", "2"]);

        Assert.Equal(40_000, o.Volunteers);
        Assert.Equal(new Uri("http://127.0.0.1:5999"), o.DashboardUrl);
        Assert.Equal("tanzhou", o.District);
        Assert.Equal(TimeSpan.FromSeconds(2), o.Warmup);
    }

    [Theory]
    [InlineData("--teams", "0")]
    [InlineData("--watchers", "3")]
    [InlineData("--district")]
    public void Bad_options_are_refused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => DistrictScaleOptions.Parse(args));
}
