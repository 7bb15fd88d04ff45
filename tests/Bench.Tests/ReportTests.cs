using Boai.Orleans.Bench.EndToEnd;

namespace Boai.Orleans.Bench.Tests;

public class ReportTests
{
    [Fact]
    public void The_generated_block_replaces_the_previous_one_and_keeps_the_rest()
    {
        var doc = $"# Benchmarks\n\nintro\n\n{BenchResult.Begin}\nold figures\n{BenchResult.End}\n\n## Analysis\nkept\n";

        var updated = BenchResult.Splice(doc, $"{BenchResult.Begin}\nnew figures\n{BenchResult.End}\n");

        Assert.Equal($"# Benchmarks\n\nintro\n\n{BenchResult.Begin}\nnew figures\n{BenchResult.End}\n\n## Analysis\nkept\n", updated);
    }

    [Fact]
    public void Without_a_block_the_figures_are_appended()
    {
        var updated = BenchResult.Splice("# Benchmarks\n", $"{BenchResult.Begin}\nx\n{BenchResult.End}\n");

        Assert.Equal($"# Benchmarks\n\n{BenchResult.Begin}\nx\n{BenchResult.End}\n", updated);
    }
}
