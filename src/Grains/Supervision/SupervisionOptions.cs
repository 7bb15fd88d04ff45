namespace Boai.Orleans.Supervision;

/// <summary>Supervision of inactive districts (section <c>Supervision</c>).</summary>
public sealed class SupervisionOptions
{
    public const string SectionName = "Supervision";

    /// <summary>A district whose activity rate at a month's end is at or below this gets a supervision order (督办单).</summary>
    public double ActivityThreshold { get; set; } = 0.5;

    /// <summary>How often the supervision clock looks at the calendar and at the open orders' districts.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The durable reminder that brings the clock back after a silo restart (at least a minute).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(5);
}
