using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
}
else
{
    Console.WriteLine("Usage: dotnet run -c Release --project bench/Boai.Orleans.Bench -- micro [BenchmarkDotNet options, e.g. --filter *Matching* --job short]");
}
