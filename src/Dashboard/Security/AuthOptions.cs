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

    /// <summary>Enables <c>POST /api/v1/dev/token</c>. Ignored in the Production environment.</summary>
    public bool DevTokens { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public byte[]? SigningKeyBytes => string.IsNullOrEmpty(SigningKey) ? null : Encoding.UTF8.GetBytes(SigningKey);
}
