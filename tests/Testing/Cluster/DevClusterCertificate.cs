using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Boai.Orleans.Testing;

/// <summary>
/// A self-signed cluster certificate made at run time (as <c>./run.sh</c> makes one with openssl), written as PEM files
/// to a temporary folder; never a file of the repository.
/// </summary>
public sealed class DevClusterCertificate : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("boai-tls-").FullName;

    public DevClusterCertificate(string commonName = "boai-cluster")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        CertificatePath = Path.Combine(_folder, "cluster.crt");
        KeyPath = Path.Combine(_folder, "cluster.key");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>The settings that turn mutual TLS on with this certificate.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Cluster:Tls:CertificatePath"] = CertificatePath,
        ["Cluster:Tls:KeyPath"] = KeyPath,
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
