using Azure;
using Azure.Data.Tables;

namespace Boai.Orleans.Storage;

/// <summary>Names of the tables the domain writes beside grain state.</summary>
public sealed class BoaiTableOptions
{
    public string LedgerTable { get; set; } = "BoaiVisitLedgerV2";

    public string DistrictTable { get; set; } = "BoaiDistricts";

    public string AuditTable { get; set; } = "BoaiAudit";
}

/// <summary>
/// The domain's tables on the service's storage account; each is created on first use. Their entity-group transactions
/// go through <see cref="Transactions"/>, on the same account.
/// </summary>
public sealed class BoaiTables(TableServiceClient service, ITableTransactions transactions, BoaiTableOptions options)
{
    private readonly TableHandle _ledger = new(service, options.LedgerTable);
    private readonly TableHandle _districts = new(service, options.DistrictTable);
    private readonly TableHandle _audit = new(service, options.AuditTable);

    public Task<TableClient> Ledger => _ledger.GetAsync();

    public Task<TableClient> Districts => _districts.GetAsync();

    public Task<TableClient> Audit => _audit.GetAsync();

    public TableServiceClient Service => service;

    public ITableTransactions Transactions => transactions;

    /// <summary>Creates the table once; a failed attempt (storage down) is tried again on the next use.</summary>
    private sealed class TableHandle(TableServiceClient service, string name)
    {
        private Task<TableClient>? _ready;

        public Task<TableClient> GetAsync()
        {
            var ready = _ready;
            if (ready is null || ready.IsFaulted || ready.IsCanceled)
            {
                ready = CreateAsync();
                _ready = ready;
            }

            return ready;
        }

        private async Task<TableClient> CreateAsync()
        {
            var table = service.GetTableClient(name);
            try
            {
                await table.CreateIfNotExistsAsync();
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Created concurrently by another silo.
            }

            return table;
        }
    }
}
