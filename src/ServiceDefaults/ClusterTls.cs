using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Connections.Security;

namespace Boai.Orleans.Hosting;

/// <summary>
/// Mutual TLS on the silo-to-silo and gateway ports (section <c>Cluster:Tls</c>). Every silo and every client (the
/// dashboard hosts) presents a certificate and accepts a peer only if its certificate is trusted here: issued by
/// <see cref="CaPath"/>, or, without a CA, the very certificate this host holds (one shared cluster certificate). So a
/// process that can reach the ports but holds no cluster certificate cannot call a grain, bypassing the API.
/// </summary>
public sealed class ClusterTlsSettings
{
    public const string SectionName = "Cluster:Tls";

    /// <summary>The name the cluster's certificates carry (client SNI); a development certificate uses it as its CN.</summary>
    public const string DefaultTargetHost = "boai-cluster";

    /// <summary>This host's certificate, PEM. TLS is on when it is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key, PEM (unencrypted, readable by the service's user only).</summary>
    public string? KeyPath { get; set; }

    /// <summary>A CA certificate (PEM) that issues the cluster's certificates; without it only this host's own certificate is trusted.</summary>
    public string? CaPath { get; set; }

    public string TargetHost { get; set; } = DefaultTargetHost;

    /// <summary>Production refuses to start without TLS unless this says another boundary (a mesh's mTLS, a private network) encloses the ports.</summary>
    public bool AllowPlaintext { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(CertificatePath);

    public static ClusterTlsSettings From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<ClusterTlsSettings>() ?? new ClusterTlsSettings();

    /// <summary>Throws when a Production host would open or use the cluster ports without TLS and without a declared boundary.</summary>
    public void EnsureBoundary(IHostEnvironment environment)
    {
        if (!Enabled && !AllowPlaintext && environment.IsProduction())
        {
            throw new InvalidOperationException(
                "The cluster ports need TLS in Production: set Cluster:Tls:CertificatePath and KeyPath (and CaPath), " +
                "or Cluster:Tls:AllowPlaintext=true where another enforced boundary encloses them.");
        }
    }

    internal X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPemFile(CertificatePath!, KeyPath);

    /// <summary>Whether a peer's certificate belongs to this cluster.</summary>
    internal Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool> Trust(X509Certificate2 own)
    {
        X509Certificate2? ca = string.IsNullOrEmpty(CaPath) ? null : X509CertificateLoader.LoadCertificateFromFile(CaPath);
        return (certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            if (ca is null)
            {
                return certificate.RawDataMemory.Span.SequenceEqual(own.RawDataMemory.Span);
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        };
    }
}

public static class ClusterTlsExtensions
{
    /// <summary>Mutual TLS on this silo's ports when <c>Cluster:Tls</c> configures it.</summary>
    public static ISiloBuilder UseBoaiClusterTls(this ISiloBuilder silo, IConfiguration configuration, IHostEnvironment environment)
    {
        var settings = ClusterTlsSettings.From(configuration);
        settings.EnsureBoundary(environment);
        if (settings.Enabled)
        {
            var certificate = settings.LoadCertificate();
            silo.UseTls(certificate, tls => Configure(tls, settings, certificate));
        }

        return silo;
    }

    /// <summary>Mutual TLS on this client's gateway connections when <c>Cluster:Tls</c> configures it.</summary>
    public static IClientBuilder UseBoaiClusterTls(this IClientBuilder client, IConfiguration configuration, IHostEnvironment environment)
    {
        var settings = ClusterTlsSettings.From(configuration);
        settings.EnsureBoundary(environment);
        if (settings.Enabled)
        {
            var certificate = settings.LoadCertificate();
            client.UseTls(certificate, tls => Configure(tls, settings, certificate));
        }

        return client;
    }

    private static void Configure(TlsOptions tls, ClusterTlsSettings settings, X509Certificate2 certificate)
    {
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        var trust = settings.Trust(certificate);
        tls.RemoteCertificateValidation = (remote, chain, errors) => trust(remote, chain, errors);
        tls.OnAuthenticateAsClient = (_, options) => options.TargetHost = settings.TargetHost;
    }
}
