using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Boai.Orleans.Persistence.AzureTable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boai.Orleans.Bench.Storage;

/// <summary>
/// The grain storage provider alone, in one run: N concurrent writers (one grain each) × M writes, one partition per
/// grain against group commit, so both figures share the machine's load of the moment. Prints entities/s.
/// </summary>
public static class GroupCommitRun
{
    /// <summary>A volunteer's state is about this long as JSON.</summary>
    private static readonly string Payload = new('x', 1_024);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var connectionString = "UseDevelopmentStorage=true";
        var (writers, writes) = (64, 50);
        int[] layouts = [0, 16];
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--connection-string": connectionString = Value(); break;
                case "--writers": writers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--writes": writes = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--partitions": layouts = [.. Value().Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        Console.WriteLine($"grain storage provider, {writers} concurrent writers x {writes} writes of a {Payload.Length}-character state");
        foreach (var partitions in layouts)
        {
            var (seconds, transactions, conflicts) = await MeasureAsync(connectionString, partitions, writers, writes);
            var entities = writers * writes;
            var shared = transactions > 0 ? $", {transactions} transactions ({entities / (double)transactions:0.0} writes each)" : string.Empty;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"BatchPartitions={partitions,-3} {entities} writes in {seconds:0.00} s = {entities / seconds:N0} entities/s{shared}, {conflicts} refused as conflicts"));
        }

        return 0;
    }

    private static async Task<(double Seconds, long Transactions, int Conflicts)> MeasureAsync(string connectionString, int partitions, int writers, int writes)
    {
        var tableName = $"bench{Guid.NewGuid():N}";
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerializer();
        services.Configure<ClusterOptions>(o => o.ServiceId = "bench");
        services.AddAzureTableGrainStorage("bench", builder => builder.Configure(o =>
        {
            o.ConnectionString = connectionString;
            o.TableName = tableName;
            o.BatchPartitions = partitions;
        }));
        await using var provider = services.BuildServiceProvider();
        var storage = (AzureTableGrainStorage)provider.GetRequiredKeyedService<IGrainStorage>("bench");
        await storage.InitializeAsync(CancellationToken.None);

        var conflicts = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var grainId = GrainId.Create("visit", $"{w}-{Guid.NewGuid():N}");
            var state = new BenchState();
            for (var i = 0; i < writes; i++)
            {
                state.State = $"{i}{Payload}";
                try
                {
                    await storage.WriteStateAsync("visit", grainId, state);
                }
                catch (InconsistentStateException)
                {
                    // What a grain does: take the stored version again. Under load the SDK can retry a write that did
                    // land (a timed-out attempt), and the retry meets its own earlier success.
                    Interlocked.Increment(ref conflicts);
                    await storage.ReadStateAsync("visit", grainId, state);
                }
            }
        }));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var transactions = storage.Batcher?.Transactions ?? 0;
        await new TableClient(connectionString, tableName).DeleteAsync();
        return (seconds, transactions, conflicts);
    }

    private sealed class BenchState : IGrainState<string>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public string State
        {
            get;
            set => field = value ?? string.Empty;
        } = string.Empty;

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }
}
