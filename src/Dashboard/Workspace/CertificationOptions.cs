namespace Boai.Orleans.Dashboard.Workspace;

/// <summary>The certification queue (待认证).</summary>
public sealed class CertificationOptions
{
    public const string SectionName = "Certification";

    /// <summary>How far back the queue looks for visits still waiting for a decision (by check-in time).</summary>
    public TimeSpan PendingWindow { get; set; } = Boai.Orleans.Certification.PendingQueueOptions.DefaultPendingWindow;

    /// <summary>Most visit ids one bulk decision may carry.</summary>
    public int MaxBulk { get; set; } = 100;

    /// <summary>Four-eyes rule (四眼原则): a flagged visit over <see cref="SecondApprovalOverHours"/> needs two different certifiers.</summary>
    public bool SecondApproval { get; set; } = true;

    /// <summary>Hours above which a flagged visit needs a second approver.</summary>
    public double SecondApprovalOverHours { get; set; } = 4;
}
