using Boai.Orleans.Model;

namespace Boai.Orleans.Certificates;

/// <summary>One issued certificate, keyed by its number: the record that the public verification page reads.</summary>
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records an issue. The number is derived from what the certificate states, so the same statement issued again is
    /// the same certificate (its download counted); a revoked one is not issued again (409).
    /// </summary>
    Task<Outcome<CertificateView>> Issue(CertificateIssue issue);

    Task<CertificateView?> Get();

    /// <summary>Revokes it for good; revoking twice keeps the first revocation.</summary>
    Task<Outcome<CertificateView>> Revoke(string by, string reason);
}
