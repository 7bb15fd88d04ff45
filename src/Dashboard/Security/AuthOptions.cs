using System.Text;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>How bearer tokens are issued and checked (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public const int MinimumKeyBytes = 32;

    public string Issuer { get; set; } = "boai";

    public string Audience { get; set; } = "boai";

    /// <summary>HMAC-SHA256 key (UTF-8, at least 32 bytes) that signs and checks the service's own tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An external OpenID Connect provider whose tokens are accepted instead of our own.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// A file holding the signing key (trimmed), so the key never appears on a process command line or in the
    /// environment of a child; used when <see cref="SigningKey"/> is not set.
    /// </summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Enables <c>POST /api/v1/dev/token</c>, and only in the environments of <see cref="DevTokenEnvironments"/>.</summary>
    public bool DevTokens { get; set; }

    /// <summary>
    /// How long the tokens this service signs live. Short, because a token's districts cannot be taken back: a
    /// coordinator removed from a district keeps it until the token expires, and the hub closes connections then.
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far a token's expiry may be off between the clock of its issuer and this host's.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a refresh token (phones, <c>POST /api/v1/auth/refresh</c>) stays usable after it was issued; each use
    /// issues the next one for as long again, so a phone in use stays signed in and one left unused signs in again.
    /// </summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long after a rotation the refresh token it replaced is accepted once more (a phone that lost the answer on a
    /// bad signal asks again); any later use of an old token revokes its session.
    /// </summary>
    public TimeSpan RefreshRetryGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a dashboard host trusts what it read of a user's district grant (<c>IDistrictGrantGrain</c>) before
    /// reading it again: the longest a coordinator removed from a district keeps it on another host's API.
    /// </summary>
    public TimeSpan GrantCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often each host re-reads the grants of its coordinators' open hub connections and closes revoked ones.</summary>
    public TimeSpan GrantCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The only environments where <see cref="DevTokens"/> takes effect.</summary>
    public static readonly IReadOnlyList<string> DevTokenEnvironments = ["Development", "Demo"];

    /// <summary>Dev tokens are on only when asked for and the environment is one for development or the demo (fail closed).</summary>
    public bool DevTokensAllowedIn(string environmentName) =>
        DevTokens && DevTokenEnvironments.Contains(environmentName, StringComparer.OrdinalIgnoreCase);

    public byte[]? SigningKeyBytes
    {
        get
        {
            if (!string.IsNullOrEmpty(SigningKey))
            {
                return Encoding.UTF8.GetBytes(SigningKey);
            }

            return string.IsNullOrEmpty(SigningKeyFile) ? null : Encoding.UTF8.GetBytes(File.ReadAllText(SigningKeyFile).Trim());
        }
    }
}
