using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Hosting.Storage;

/// <summary>
/// Table service clients on the cluster's one storage account (grain state, membership, reminders, the domain's
/// tables), each with the Azure SDK's retries bounded so that a storage call gives up inside the grain call that made it.
/// </summary>
public static class BoaiTableService
{
    // More retries than this only hide an outage behind a grain call timeout.
    private const int MaxRetries = 3;

    /// <summary>A client whose every attempt and back-off together fit in <paramref name="budget"/>.</summary>
    public static TableServiceClient Create(StorageSettings storage, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var options = Options(budget);
        if (storage.TableServiceUri is { } uri)
        {
            return new TableServiceClient(uri, new DefaultAzureCredential(), options);
        }

        // An account key signs a SAS once an hour rather than every request (AccountSas says why).
        return AccountSas.For(storage.ConnectionString) is { } sas
            ? new TableServiceClient(sas.Endpoint, sas.Credential, options)
            : new TableServiceClient(storage.ConnectionString, options);
    }

    /// <summary>
    /// The entity-group transactions of the domain's tables (<see cref="TableTransactions"/>), on the same account, with
    /// the same authorisation, retries within <paramref name="budget"/> and request counting as <see cref="Create"/>.
    /// </summary>
    public static TableTransactions CreateTransactions(StorageSettings storage, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var options = Options(budget);
        if (storage.TableServiceUri is { } uri)
        {
            return TableTransactions.WithToken(uri, new DefaultAzureCredential(), options);
        }

        if (AccountSas.For(storage.ConnectionString) is { } sas)
        {
            return TableTransactions.WithSignature(sas.Endpoint, sas.Credential, options);
        }

        // A connection string that carries its own SAS.
        var endpoint = new TableServiceClient(storage.ConnectionString).Uri;
        var signature = storage.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(kv => kv.Length == 2 && kv[0].Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase))?[1]
            ?? throw new InvalidOperationException("The storage connection string has neither an account key nor a SharedAccessSignature.");
        return TableTransactions.WithSignature(endpoint, new AzureSasCredential(signature), options);
    }

    private static TableClientOptions Options(TimeSpan budget)
    {
        var options = new TableClientOptions();
        FitRetriesWithin(options.Retry, budget);
        // Every request (each retry too) is counted, per kind: what a check-in costs the account (boai.storage.requests).
        options.AddPolicy(Boai.Orleans.Storage.StorageRequestCounter.Instance, HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>
    /// Bounds the SDK's retry policy: (retries + 1) × network timeout + retries × max delay ≤ <paramref name="budget"/>.
    /// </summary>
    public static void FitRetriesWithin(RetryOptions retry, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(retry);
        if (budget <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(budget), budget, "The storage time budget must be positive.");
        }

        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = Math.Clamp(retry.MaxRetries, 0, MaxRetries);
        retry.MaxDelay = Min(retry.MaxDelay, budget / 10);
        retry.Delay = Min(retry.Delay, retry.MaxDelay);
        var perAttempt = (budget - (retry.MaxDelay * retry.MaxRetries)) / (retry.MaxRetries + 1);
        retry.NetworkTimeout = Min(retry.NetworkTimeout, perAttempt);
    }

    /// <summary>The worst case of a policy: every attempt timing out and every back-off at its longest.</summary>
    public static TimeSpan WorstCase(RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        return (retry.NetworkTimeout * (retry.MaxRetries + 1)) + (retry.MaxDelay * retry.MaxRetries);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
