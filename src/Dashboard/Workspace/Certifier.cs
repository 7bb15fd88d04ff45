using Boai.Orleans.Certification;
using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Workspace;

/// <summary>A visit held for a second approver: the visit as it stands (still pending) and who approved first.</summary>
public sealed record AwaitingSecondApproval(VisitView Visit, string FirstApprovedBy, DateTimeOffset FirstApprovedAt, string Title);

/// <summary>
/// Certifies a visit as the four-eyes rule (四眼原则) asks: a flagged visit over the configured hours needs two different
/// people (coordinators or operators), the first approval is recorded and the second certifies. A back-fill waiting for
/// a second person already has its first: the coordinator who recorded it, whom the visit grain refuses as certifier.
/// </summary>
public sealed class Certifier(IGrainFactory grains, IOptions<CertificationOptions> options, TimeProvider time)
{
    public const string AwaitingTitle = "已初审，待另一位社工或运营者认证 / Approved once: a second coordinator or an operator must certify";

    /// <summary>Whether this visit needs a second approver before its hours are certified.</summary>
    public bool NeedsTwo(VisitView visit) => visit.Status == VisitStatus.CheckedOut && (visit.Backfilled || NeedsTwo(visit.Flags, visit.Hours));

    /// <summary>The rule on a phone visit's flags and hours (a pending back-fill always needs a second person).</summary>
    public bool NeedsTwo(IReadOnlyCollection<string> flags, double? hours) =>
        options.Value.SecondApproval && flags.Count > 0 && (hours ?? 0) > options.Value.SecondApprovalOverHours;

    /// <summary>Who approved a visit first, when it waits for a second approver.</summary>
    public Task<FirstApproval?> FirstApprovalOf(VisitKey visit) => grains.GetGrain<IVisitApprovalGrain>(visit.ToString()).Get();

    /// <summary>Certifies; or records the first approval (<c>Awaiting</c>); or refuses the same person twice (a conflict).</summary>
    public async Task<(Outcome<VisitView> Outcome, AwaitingSecondApproval? Awaiting)> CertifyAsync(VisitView visit, string by)
    {
        var grain = grains.Visit(visit.KeyOf());
        if (visit.Backfilled)
        {
            // The visit grain decides: anyone but the recorder certifies; the recorder's own approval is the first.
            var outcome = await grain.Certify(by);
            return outcome.Failure?.Code == VisitRules.SecondPersonRequired
                ? (Outcome<VisitView>.Ok(visit), new AwaitingSecondApproval(visit, visit.BackfilledBy ?? by, visit.CheckInReceivedAt, AwaitingTitle))
                : (outcome, null);
        }

        if (!NeedsTwo(visit))
        {
            return (await grain.Certify(by), null);
        }

        var approval = grains.GetGrain<IVisitApprovalGrain>(visit.KeyOf().ToString());
        var first = await approval.Get() ?? await approval.Approve(by, time.GetUtcNow());
        if (first.By != by)
        {
            return (await grain.Certify(by), null);
        }

        var awaiting = new AwaitingSecondApproval(visit, first.By, first.At, AwaitingTitle);
        return (Outcome<VisitView>.Ok(visit), awaiting);
    }

    /// <summary>As an HTTP answer: 200 certified, 202 awaiting a second approver, or the visit's problem.</summary>
    public async Task<IResult> CertifyResultAsync(VisitView visit, string by)
    {
        var (outcome, awaiting) = await CertifyAsync(visit, by);
        return awaiting is not null ? TypedResults.Accepted((string?)null, awaiting) : outcome.ToOk(view => view);
    }
}
