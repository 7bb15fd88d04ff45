using System.ComponentModel.DataAnnotations;

namespace Boai.Orleans.Dashboard.Live;

/// <summary>How this dashboard host stays registered for the cluster's live events (section <c>Live</c>).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>How often the host registers again, so a registry that lost it (a silo restart) finds it soon.</summary>
    public TimeSpan RegistrationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a failed registration is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many messages a hub connection may have waiting behind its write before the host closes it (its client
    /// reconnects and reloads): a bound on what one stuck connection holds in memory. 4,096 is some 10 s of events at
    /// the bench's busiest rate; a connection that stops reading is usually closed before, by Kestrel's minimum data
    /// rate or SignalR's client timeout, without holding anyone else's events meanwhile.
    /// </summary>
    [Range(1, 1_000_000)]
    public int WatcherBacklog { get; set; } = 4096;
}
