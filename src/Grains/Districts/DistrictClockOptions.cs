namespace Boai.Orleans.Districts;

/// <summary>How often a district looks at its clock for needs falling due (section <c>DistrictClock</c>).</summary>
public sealed class DistrictClockOptions
{
    public const string SectionName = "DistrictClock";

    /// <summary>Period of the in-memory clock while the district is active.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Period of the durable reminder that brings the district back after a silo restart.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(5);
}
