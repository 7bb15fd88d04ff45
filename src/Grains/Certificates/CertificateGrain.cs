using Boai.Orleans.Storage;
using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Model;

namespace Boai.Orleans.Certificates;

[GenerateSerializer]
public sealed class CertificateState
{
    [Id(0)] public CertificateIssue? Issue { get; set; }
    [Id(1)] public int Downloads { get; set; }
    [Id(2)] public DateTimeOffset LastIssuedAt { get; set; }
    [Id(3)] public CertificateRevocation? Revocation { get; set; }
}

/// <summary>An issued certificate: stored before the PDF carrying its number is answered, so every number printed is verifiable.</summary>
public sealed class CertificateGrain([PersistentState("certificate")] IPersistentState<CertificateState> state, TimeProvider time)
    : Grain, ICertificateGrain
{
    private CertificateState S => state.State;

    private string CertificateNo => this.GetPrimaryKeyString();

    /// <summary>
    /// The number of a certificate stating <paramref name="issue"/>: volunteer, period and hours (not who printed it,
    /// nor when). <c>BA</c>, the year the period ends, ten hex digits of a SHA-256.
    /// </summary>
    public static string NumberOf(CertificateIssue issue)
    {
        var statement = FormattableString.Invariant($"{issue.VolunteerId}|{issue.From:yyyy-MM-dd}|{issue.To:yyyy-MM-dd}|{issue.CertifiedHours:0.##}|{issue.Visits}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(statement));
        return FormattableString.Invariant($"BA{issue.To:yyyy}-{Convert.ToHexString(hash, 0, 5)}");
    }

    public async Task<Outcome<CertificateView>> Issue(CertificateIssue issue)
    {
        if (NumberOf(issue) != CertificateNo)
        {
            return Failure.Invalid("certificateNo", "证书编号与内容不符 / The number does not match the certificate");
        }

        if (S.Revocation is not null)
        {
            return Failure.Conflict("该证明已撤销，不能再出具 / This certificate was revoked and cannot be issued again", "revoked");
        }

        var created = S.Issue is null;
        var next = new CertificateState
        {
            Issue = S.Issue ?? issue,
            Downloads = S.Downloads + 1,
            LastIssuedAt = time.GetUtcNow(),
            Revocation = null,
        };
        await state.WriteOrReloadAsync(next, this);
        return Outcome<CertificateView>.Ok(View()!, created);
    }

    public Task<CertificateView?> Get() => Task.FromResult(View());

    public async Task<Outcome<CertificateView>> Revoke(string by, string reason)
    {
        if (S.Issue is null)
        {
            return Failure.NotFound("证明不存在 / No such certificate");
        }

        if (S.Revocation is null)
        {
            await state.WriteOrReloadAsync(new CertificateState
            {
                Issue = S.Issue,
                Downloads = S.Downloads,
                LastIssuedAt = S.LastIssuedAt,
                Revocation = new CertificateRevocation(by, time.GetUtcNow(), reason),
            },
            this);
        }

        return Outcome<CertificateView>.Ok(View()!);
    }


    private CertificateView? View() =>
        S.Issue is null ? null : new CertificateView(CertificateNo, S.Issue, S.Downloads, S.LastIssuedAt, S.Revocation);
}
