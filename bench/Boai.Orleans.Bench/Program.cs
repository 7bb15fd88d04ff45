using BenchmarkDotNet.Running;
using Boai.Orleans.Bench.DistrictScale;
using Boai.Orleans.Bench.EndToEnd;

if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "district-scale")
{
    return await DistrictScaleBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "e2e")
{
    return await EndToEndBenchmark.RunAsync(args[1..]);
}

Console.WriteLine("Usage:");
Console.WriteLine("  ./bench.sh [--quick] [options]   the end-to-end run (starts Azurite, a silo and a dashboard; see ./bench.sh --help)");
Console.WriteLine("  dotnet bench/Boai.Orleans.Bench/bin/Release/net10.0/Boai.Orleans.Bench.dll micro [BenchmarkDotNet options, e.g. --filter '*Storage*' --job short --inProcess]");
return args.Length == 0 ? 0 : 2;
