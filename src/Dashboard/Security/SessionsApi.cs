using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boai.Orleans.Dashboard.Security;

public sealed record RefreshBody(string? RefreshToken);

public sealed record RevokedSessions(string Sub, int Revoked);

/// <summary>
/// Refreshable sessions for phones: a visit outlasts a 15-minute access token, so the phone trades its refresh token
/// for a new pair before (or when) the access token ends. Present only where the service signs its own tokens.
/// </summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        if (!((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<RefreshSessions>().Enabled)
        {
            return api;
        }

        var auth = api.MapGroup("/auth").WithTags("Sessions");
        auth.MapPost("/sessions", Open)
            .WithSummary("Opens a refreshable session for the caller's token (phones): answers an access token and a refresh token "
                + "(Auth:RefreshTokenLifetime, 14 days; stored hashed; at most 10 sessions per user, the oldest ends).")
            .Produces<SessionTokens>(StatusCodes.Status201Created);
        auth.MapPost("/refresh", Refresh)
            .AllowAnonymous()
            .WithSummary("Trades a refresh token for a new access token and the next refresh token (rotation: the one presented stops working). "
                + "An old token presented again revokes its session; a revoked or expired session, or a volunteer who left, answers 401.")
            .Produces<SessionTokens>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/sign-out", SignOut)
            .AllowAnonymous()
            .WithSummary("Ends the session of a refresh token (the phone signs out).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();
        api.MapPost("/operator/sessions/{sub}/revoke", RevokeAll)
            .RequireAuthorization(AuthSetup.OperatorPolicy)
            .WithTags("Operations")
            .WithSummary("Ends every refreshable session of a user (operators): their phones sign in again once their access token ends (≤ Auth:TokenLifetime).")
            .Produces<RevokedSessions>().ProducesProblem(403);
        return api;
    }

    private static async Task<IResult> Open(Caller caller, RefreshSessions sessions)
    {
        var tokens = await sessions.OpenAsync(caller.Sub, new SessionClaims(caller.Role, [.. caller.Districts], caller.Household));
        return TypedResults.Created((string?)null, tokens);
    }

    private static async Task<IResult> Refresh(RefreshBody body, RefreshSessions sessions)
    {
        if (!RefreshSessions.TryRead(body.RefreshToken, out var sub, out var familyId, out var secret))
        {
            return ApiProblems.Invalid("refreshToken", "不是有效的刷新令牌 / Not a refresh token");
        }

        var (tokens, refusal) = await sessions.RefreshAsync(sub, familyId, secret);
        return tokens is not null ? TypedResults.Ok(tokens) : Unauthorized(refusal);
    }

    private static async Task<IResult> SignOut(RefreshBody body, RefreshSessions sessions)
    {
        if (!RefreshSessions.TryRead(body.RefreshToken, out var sub, out var familyId, out _))
        {
            return ApiProblems.Invalid("refreshToken", "不是有效的刷新令牌 / Not a refresh token");
        }

        await sessions.SignOutAsync(sub, familyId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RevokeAll(string sub, RefreshSessions sessions) =>
        TypedResults.Ok(new RevokedSessions(sub, await sessions.RevokeAllAsync(sub)));

    private static ProblemHttpResult Unauthorized(RefreshRefusal refusal) => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "请重新登录 / Sign in again",
        detail: refusal switch
        {
            RefreshRefusal.Reused => "刷新令牌已被使用过，会话已撤销 / This refresh token was already used: the session is revoked",
            RefreshRefusal.Expired => "会话已过期 / The session expired",
            RefreshRefusal.UserGone => "账号已停用 / The account is no longer active",
            _ => "会话不存在或已撤销 / No such session, or it was revoked",
        },
        extensions: new Dictionary<string, object?>
        {
            ["reason"] = refusal switch
            {
                RefreshRefusal.Reused => "reused",
                RefreshRefusal.Expired => "expired",
                RefreshRefusal.UserGone => "userGone",
                _ => "unknown",
            },
        });
}
