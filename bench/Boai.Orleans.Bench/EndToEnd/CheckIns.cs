using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>What the durability check found: acknowledged check-outs missing from the ledger, and from the hours route.</summary>
public sealed record Durability(int Acknowledged, int MissingFromLedger, int VolunteersChecked, int VolunteersShort);

/// <summary>Check-in + check-out pairs through the real HTTP API with each volunteer's JWT, and the check that none was lost.</summary>
public sealed class CheckIns(BoaiApi api, BenchOptions options)
{
    private readonly ConcurrentDictionary<string, int> _acknowledged = new(StringComparer.Ordinal);

    /// <summary>Visits whose check-out was answered 200, with the index of their volunteer.</summary>
    public IReadOnlyDictionary<string, int> Acknowledged => _acknowledged;

    public IReadOnlyList<BenchVolunteer> Volunteers { get; private set; } = [];

    /// <summary>N volunteers and N households, each household with one need served by its volunteer, over every district.</summary>
    public async Task<TimeSpan> SeedAsync(string operatorToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var districts = await api.DistrictIdsAsync(operatorToken);
        var seeded = new BenchVolunteer[options.Volunteers];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Volunteers),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (i, _) => seeded[i] = await api.SeedPairingAsync(operatorToken, $"bench-v{i:D6}", $"bench-h{i:D6}", districts[i % districts.Count]));
        Volunteers = seeded;
        return TimeProvider.System.GetElapsedTime(started);
    }

    /// <summary>One visit of an hour that ended now: check-in, then check-out. A failed check-out is finished before the volunteer's next visit.</summary>
    public async Task PairAsync(int volunteer, string visitId, Action? checkedIn = null)
    {
        var v = Volunteers[volunteer];
        var now = TimeProvider.System.GetUtcNow();
        await api.CheckInAsync(v, visitId, now.AddHours(-1));
        checkedIn?.Invoke();
        try
        {
            await api.CheckOutAsync(v, visitId, now);
        }
        catch
        {
            if (await FinishAsync(v, visitId, now))
            {
                _acknowledged[visitId] = volunteer;
            }

            throw;
        }

        _acknowledged[visitId] = volunteer;
    }

    /// <summary>Closed loop: each worker checks its own volunteers in and out in turn, so no volunteer has two visits at once.</summary>
    public Task<ClosedLoopResult> RunAsync() =>
        LoadRunner.ClosedLoopAsync(options.Concurrency, options.Warmup, options.Duration, async (worker, i) =>
        {
            var owned = (Volunteers.Count - worker + options.Concurrency - 1) / options.Concurrency;
            var volunteer = worker + (options.Concurrency * (int)(i % owned));
            await PairAsync(volunteer, $"bc-{worker}-{i}");
            return 1;
        });

    /// <summary>Every acknowledged check-out is a ledger row; every volunteer's hours count at least their acknowledged visits.</summary>
    public async Task<Durability> VerifyAsync()
    {
        var ledger = new TableClient(options.StorageConnectionString, options.LedgerTable);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        // A visit's check-out is its ledger row v|{visitId}|2 (see AzureTableVisitLog).
        await foreach (var row in ledger.QueryAsync<TableEntity>("RowKey ge 'v|' and RowKey lt 'v|~'", select: ["RowKey", "VisitId"]))
        {
            if (row.RowKey.EndsWith("|2", StringComparison.Ordinal))
            {
                stored.Add(row.GetString("VisitId"));
            }
        }

        var missing = _acknowledged.Keys.Count(v => !stored.Contains(v));
        var perVolunteer = _acknowledged.Values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        var shortCount = 0;
        await Parallel.ForEachAsync(
            perVolunteer,
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (entry, _) =>
            {
                if (await api.VisitCountAsync(Volunteers[entry.Key]) < entry.Value)
                {
                    Interlocked.Increment(ref shortCount);
                }
            });
        return new Durability(_acknowledged.Count, missing, perVolunteer.Count, shortCount);
    }

    private async Task<bool> FinishAsync(BenchVolunteer v, string visitId, DateTimeOffset at)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)));
                await api.CheckOutAsync(v, visitId, at);
                return true;
            }
            catch (HttpRequestException)
            {
                // Try again; a volunteer left checked in fails their next check-ins, which the run counts as errors.
            }
        }

        return false;
    }
}
