using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Testing;

/// <summary>The service's entity-group transactions (<see cref="TableTransactions"/>) on a test's Azurite account.</summary>
public static class AzuriteTransactions
{
    /// <summary>Authorised by an account SAS of the connection string's key, as the service's are; <paramref name="perCall"/> sees each request.</summary>
    public static TableTransactions For(string connectionString, HttpPipelinePolicy? perCall = null)
    {
        var options = new TableClientOptions();
        if (perCall is not null)
        {
            options.AddPolicy(perCall, HttpPipelinePosition.PerCall);
        }

        var service = new TableServiceClient(connectionString);
        var sas = service.GenerateSasUri(TableAccountSasPermissions.All, TableAccountSasResourceTypes.All, DateTimeOffset.UtcNow.AddDays(1));
        return TableTransactions.WithSignature(service.Uri, new AzureSasCredential(sas.Query.TrimStart('?')), options);
    }

    /// <summary>The domain's tables on the account, their transactions those of <see cref="For"/>.</summary>
    public static BoaiTables Tables(string connectionString, BoaiTableOptions options, HttpPipelinePolicy? perCall = null) =>
        new(new TableServiceClient(connectionString), For(connectionString, perCall), options);
}
