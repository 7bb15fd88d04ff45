using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;

namespace Boai.Orleans.Hosting.Storage;

/// <summary>
/// The account key of a connection string signs one account SAS, renewed long before it expires, instead of every
/// request. Azure.Data.Tables 12.13 signs each request with a new <c>HMACSHA256</c> that it never disposes, so under load
/// the silo's finalizer thread spent about a quarter of the process's CPU releasing OpenSSL contexts
/// (docs/BENCHMARKS.md, "The account key signs once"). A SAS is signed here, once an hour; requests only carry it.
/// </summary>
public sealed class AccountSas : IDisposable
{
    /// <summary>How long a signature is valid: a silo whose renewals all failed still has this long.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>How often a new signature replaces the current one.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromHours(1);

    // One per account and clock: every client of a process on the same account shares its signature and timer.
    private static readonly ConcurrentDictionary<(string, TimeProvider), AccountSas?> Shared = new();

    private readonly TableServiceClient _signer;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    private AccountSas(string connectionString, TimeProvider time)
    {
        _signer = new TableServiceClient(connectionString);
        _time = time;
        Endpoint = _signer.Uri;
        Credential = new AzureSasCredential(Sign());
        _timer = time.CreateTimer(_ => Renew(), null, RenewEvery, RenewEvery);
    }

    /// <summary>The table service endpoint of the account, without a query.</summary>
    public Uri Endpoint { get; }

    /// <summary>The signature requests carry; <see cref="Renew"/> replaces it in place.</summary>
    public AzureSasCredential Credential { get; }

    /// <summary>When the current signature expires.</summary>
    public DateTimeOffset ExpiresOn { get; private set; }

    /// <summary>The account's shared signer; null when the connection string has no account key to sign with.</summary>
    public static AccountSas? For(string connectionString, TimeProvider? time = null)
    {
        return Shared.GetOrAdd((connectionString, time ?? TimeProvider.System), key =>
        {
            try
            {
                return new AccountSas(key.Item1, key.Item2);
            }
            catch (InvalidOperationException)
            {
                // The connection string authorises with a SAS of its own (the SDK has no key to sign with).
                return null;
            }
        });
    }

    /// <summary>A signer of its own (tests: its clock is theirs and nothing else shares it).</summary>
    public static AccountSas Create(string connectionString, TimeProvider time) => new(connectionString, time);

    /// <summary>Signs a new SAS valid for <see cref="Lifetime"/> from now and makes it the one requests carry.</summary>
    public void Renew() => Credential.Update(Sign());

    public void Dispose() => _timer.Dispose();

    private string Sign()
    {
        var expires = _time.GetUtcNow() + Lifetime;
        var uri = _signer.GenerateSasUri(TableAccountSasPermissions.All, TableAccountSasResourceTypes.All, expires);
        ExpiresOn = expires;
        return uri.Query.TrimStart('?');
    }
}
