using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Sessions;
using Boai.Orleans.Volunteers;
using Microsoft.AspNetCore.WebUtilities;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>A new access token and the refresh token that replaces the one presented.</summary>
public sealed record SessionTokens(string Token, DateTimeOffset ExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt);

/// <summary>Why a refresh was refused (all answer 401: the phone signs in again).</summary>
public enum RefreshRefusal
{
    Unknown,
    Expired,
    Reused,
    UserGone,
}

/// <summary>
/// Refreshable sessions for phones. A refresh token is <c>{base64url(sub)}.{familyId}.{secret}</c>; the user's
/// <see cref="IRefreshSessionGrain"/> stores only the SHA-256 of the secret. Each refresh rotates it; the access token it
/// issues carries the districts of sign-in that the user's grant still allows, so refreshing never restores a district
/// an operator took away.
/// </summary>
public sealed partial class RefreshSessions(
    IGrainFactory grains, TokenSigning signing, AuthOptions options, DistrictGrants grants, TimeProvider time, ILogger<RefreshSessions> logger)
{
    public const int MaxTokenLength = 400;

    /// <summary>Refresh tokens need a key to sign access tokens with; with only an external authority, it refreshes them.</summary>
    public bool Enabled => signing.Key is not null;

    /// <summary>Opens a session: an access token and the first refresh token of a new family.</summary>
    public async Task<SessionTokens> OpenAsync(string sub, SessionClaims claims)
    {
        var familyId = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(12));
        var (secret, hash) = NewSecret();
        var now = time.GetUtcNow();
        var refreshExpires = now + options.RefreshTokenLifetime;
        await grains.GetGrain<IRefreshSessionGrain>(sub).Open(familyId, hash, claims, now, refreshExpires);
        var (token, expires) = signing.Issue(sub, claims.Role, claims.Districts, household: claims.Household);
        return new SessionTokens(token, expires, Format(sub, familyId, secret), refreshExpires);
    }

    /// <summary>Whether <paramref name="refreshToken"/> has the shape of one of ours (a malformed one is a 400, not a 401).</summary>
    public static bool TryRead(string? refreshToken, out string sub, out string familyId, out string secret)
    {
        sub = familyId = secret = string.Empty;
        var parts = refreshToken?.Split('.') ?? [];
        if (refreshToken is not { Length: <= MaxTokenLength } || parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return false;
        }

        try
        {
            sub = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[0]));
        }
        catch (FormatException)
        {
            return false;
        }

        familyId = parts[1];
        secret = parts[2];
        return sub.Length > 0;
    }

    public async Task<(SessionTokens? Tokens, RefreshRefusal Refusal)> RefreshAsync(string sub, string familyId, string secret)
    {
        var (nextSecret, nextHash) = NewSecret();
        var now = time.GetUtcNow();
        var refreshExpires = now + options.RefreshTokenLifetime;
        var sessions = grains.GetGrain<IRefreshSessionGrain>(sub);
        var result = await sessions.Rotate(familyId, Hash(secret), nextHash, now, refreshExpires, options.RefreshRetryGrace);
        switch (result.Status)
        {
            case RotateStatus.Reused:
                LogReuse(logger, sub);
                return (null, RefreshRefusal.Reused);
            case RotateStatus.Expired:
                return (null, RefreshRefusal.Expired);
            case RotateStatus.Unknown:
                return (null, RefreshRefusal.Unknown);
        }

        var claims = result.Claims!;
        if (claims.Role == Roles.Volunteer && (await grains.GetGrain<IVolunteerGrain>(sub).Get()) is null or { Profile.Status: Model.VolunteerStatus.Left })
        {
            // A volunteer who left (or whose record is gone) has no more visits to make.
            await sessions.RevokeAll();
            return (null, RefreshRefusal.UserGone);
        }

        var districts = claims.Role == Roles.Coordinator ? await grants.AllowedAsync(sub, claims.Districts, fresh: true) : new HashSet<string>();
        var (token, expires) = signing.Issue(sub, claims.Role, districts, household: claims.Household);
        return (new SessionTokens(token, expires, Format(sub, familyId, nextSecret), refreshExpires), RefreshRefusal.Unknown);
    }

    /// <summary>Signs out one session; false when the token names none.</summary>
    public Task<bool> SignOutAsync(string sub, string familyId) => grains.GetGrain<IRefreshSessionGrain>(sub).Revoke(familyId);

    /// <summary>Ends every session of a user (operators): their phones sign in again when their access token ends.</summary>
    public Task<int> RevokeAllAsync(string sub) => grains.GetGrain<IRefreshSessionGrain>(sub).RevokeAll();

    private static (string Secret, string Hash) NewSecret()
    {
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (secret, Hash(secret));
    }

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Format(string sub, string familyId, string secret) =>
        $"{WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(sub))}.{familyId}.{secret}";

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning,
        Message = "An old refresh token of {Sub} was presented again: its session is revoked (a stolen copy, or a replaying client).")]
    private static partial void LogReuse(ILogger logger, string sub);
}
