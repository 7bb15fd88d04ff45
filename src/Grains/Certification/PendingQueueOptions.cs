namespace Boai.Orleans.Certification;

/// <summary>The certification queue (待认证) as the grains count it; the same section the dashboard's queue reads.</summary>
public sealed class PendingQueueOptions
{
    public const string SectionName = "Certification";

    /// <summary>The default of <see cref="PendingWindow"/>, shared with the dashboard's queue route.</summary>
    public static readonly TimeSpan DefaultPendingWindow = TimeSpan.FromDays(92);

    /// <summary>How far back the queue looks for visits still waiting for a decision (by check-in time).</summary>
    public TimeSpan PendingWindow { get; set; } = DefaultPendingWindow;

    /// <summary>How often an active queue counts again, so a visit ageing out of the window lowers the count live.</summary>
    public TimeSpan RecountPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The shortest time between two counts sent to the district's watchers (<c>pendingChanged</c>): a busy district's
    /// count changes with every check-out, and each change would be a message to every watcher. The last change of a
    /// burst goes out at the end of the interval, so a watcher's count is at most this late.
    /// </summary>
    public TimeSpan PublishEvery { get; set; } = TimeSpan.FromMilliseconds(500);
}
