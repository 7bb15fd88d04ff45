namespace Boai.Orleans.Dashboard.Live;

/// <summary>How this dashboard host stays registered for the cluster's live events (section <c>Live</c>).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>How often the host registers again, so a registry that lost it (a silo restart) finds it soon.</summary>
    public TimeSpan RegistrationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a failed registration is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);
}
