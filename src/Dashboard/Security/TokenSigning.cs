using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// The key the service signs its own tokens with, decided once at startup: the configured key, or with dev tokens
/// (outside Production) and no key, one made up for this process.
/// </summary>
public sealed class TokenSigning
{
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;

    public TokenSigning(AuthOptions options, bool devTokensEnabled, TimeProvider time)
    {
        _options = options;
        _time = time;
        DevTokensEnabled = devTokensEnabled;
        var configured = options.SigningKeyBytes;
        if (configured is { Length: < AuthOptions.MinimumKeyBytes })
        {
            throw new InvalidOperationException($"Auth:SigningKey must be at least {AuthOptions.MinimumKeyBytes} bytes.");
        }

        if (configured is null && devTokensEnabled)
        {
            configured = RandomNumberGenerator.GetBytes(AuthOptions.MinimumKeyBytes);
            KeyGenerated = true;
        }

        if (configured is null && string.IsNullOrEmpty(options.Authority))
        {
            throw new InvalidOperationException("Configure Auth:SigningKey or Auth:Authority (or Auth:DevTokens in Development or Demo).");
        }

        Key = configured is null ? null : new SymmetricSecurityKey(configured);
    }

    public SymmetricSecurityKey? Key { get; }

    public bool DevTokensEnabled { get; }

    /// <summary>The key was generated for this process: its tokens die with it and are not accepted by other instances.</summary>
    public bool KeyGenerated { get; }

    public (string Token, DateTimeOffset ExpiresAt) Issue(
        string sub, string role, IReadOnlyCollection<string> districts, TimeSpan? lifetime = null, string? household = null)
    {
        if (Key is null)
        {
            throw new InvalidOperationException("No signing key: tokens come from the external authority.");
        }

        var now = _time.GetUtcNow();
        var expires = now + (lifetime ?? _options.TokenLifetime);
        var identity = new ClaimsIdentity([new Claim(BoaiClaims.Subject, sub), new Claim(BoaiClaims.Role, role)]);
        if (household is not null)
        {
            identity.AddClaim(new Claim(BoaiClaims.Household, household));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = identity,
            // An array even for one district, so the claim is repeated whatever the count.
            Claims = new Dictionary<string, object> { [BoaiClaims.District] = districts.ToArray() },
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        };
        return (new JsonWebTokenHandler().CreateToken(descriptor), expires);
    }
}
