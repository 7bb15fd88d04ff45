using Azure.Data.Tables;
using Boai.Orleans.Districts;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Boai.Orleans.Ledger;

/// <summary>
/// Once, on a deployment whose ledger predates <see cref="VolunteerLedgerIndex"/> (ledger rows, an empty index): copies
/// every district's months into the index, through the ledger's own reads, so certificates keep showing older visits.
/// Idempotent (upserts) and safe beside live writes, which already go to both; a fresh or already indexed deployment
/// costs two one-row queries.
/// </summary>
public sealed partial class VolunteerLedgerIndexBackfill(
    IVisitLedger ledger, AzureTableVisitLedger districtLedger, BoaiTables tables, DistrictDirectory districts, TimeProvider time,
    ILogger<VolunteerLedgerIndexBackfill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (ledger is not VolunteerLedgerIndex index
                || await IsEmptyAsync(await tables.Ledger, stoppingToken)
                || !await IsEmptyAsync(await tables.VolunteerLedger, stoppingToken))
            {
                return;
            }

            var copied = 0;
            var end = time.GetUtcNow().AddMonths(1);
            foreach (var district in districts.All)
            {
                // Year by year: each read covers twelve monthly partitions of the district.
                for (var from = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); from < end; from = from.AddYears(1))
                {
                    await foreach (var visit in districtLedger.ReadDistrictAsync(district.DistrictId, from, from.AddYears(1), stoppingToken))
                    {
                        await index.IndexAsync(visit, stoppingToken);
                        copied++;
                    }
                }
            }

            LogBackfilled(logger, copied);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBackfillFailed(logger, ex);
        }
    }

    private static async Task<bool> IsEmptyAsync(TableClient table, CancellationToken cancellationToken)
    {
        await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            return false;
        }

        return true;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Copied {Count} ledger visits into the per-volunteer index.")]
    private static partial void LogBackfilled(ILogger logger, int count);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Copying the ledger into the per-volunteer index failed; it is tried again at the next start.")]
    private static partial void LogBackfillFailed(ILogger logger, Exception exception);
}
