using BenchmarkDotNet.Running;
using Boai.Orleans.Bench.EndToEnd;
using Boai.Orleans.Bench.Storage;

if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "group-commit")
{
    return await GroupCommitRun.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "e2e")
{
    return await EndToEndBenchmark.RunAsync(args[1..]);
}

Console.WriteLine("Usage:");
Console.WriteLine("  ./bench.sh [--quick] [options]   the end-to-end run (starts Azurite, a silo and a dashboard; see ./bench.sh --help)");
Console.WriteLine("  dotnet bench/Boai.Orleans.Bench/bin/Release/net10.0/Boai.Orleans.Bench.dll group-commit [--connection-string S] [--writers 64] [--writes 50] [--partitions 0,16]   the grain storage provider alone, one partition per grain against group commit, in one run");
Console.WriteLine("  dotnet bench/Boai.Orleans.Bench/bin/Release/net10.0/Boai.Orleans.Bench.dll micro [BenchmarkDotNet options, e.g. --filter '*Storage*' --job short --inProcess]");
return args.Length == 0 ? 0 : 2;
