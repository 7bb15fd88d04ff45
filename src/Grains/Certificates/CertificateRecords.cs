namespace Boai.Orleans.Certificates;

/// <summary>
/// What a volunteer service certificate (志愿服务证明) states, as issued: what the public verification page may show
/// (masked name, hours, period, issuing district) and whose it is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CertificateIssue(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string MaskedName,
    [property: Id(2)] string DistrictId,
    [property: Id(3)] string DistrictName,
    [property: Id(4)] DateOnly From,
    [property: Id(5)] DateOnly To,
    [property: Id(6)] double CertifiedHours,
    [property: Id(7)] int Visits,
    [property: Id(8)] string IssuedBy,
    [property: Id(9)] DateTimeOffset IssuedAt);

[GenerateSerializer, Immutable]
public sealed record CertificateRevocation(
    [property: Id(0)] string By,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Reason);

/// <summary>A certificate as the record keeps it: the first issue, every later download, and its revocation if any.</summary>
[GenerateSerializer, Immutable]
public sealed record CertificateView(
    [property: Id(0)] string CertificateNo,
    [property: Id(1)] CertificateIssue Issue,
    [property: Id(2)] int Downloads,
    [property: Id(3)] DateTimeOffset LastIssuedAt,
    [property: Id(4)] CertificateRevocation? Revocation)
{
    public bool Valid => Revocation is null;
}
