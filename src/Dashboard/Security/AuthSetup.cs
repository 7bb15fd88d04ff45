using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.Tokens;

namespace Boai.Orleans.Dashboard.Security;

public static partial class AuthSetup
{
    /// <summary>Any authenticated caller with a known role.</summary>
    public const string CallerPolicy = "caller";

    /// <summary>Coordinators and operators.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>Operators only.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>The one path where a token is accepted from the query string (browsers cannot set headers on WebSockets).</summary>
    public const string HubPath = "/hubs/dashboard";

    public static WebApplicationBuilder AddBoaiAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        var devTokens = options.DevTokensAllowedIn(builder.Environment.EnvironmentName);
        var signing = new TokenSigning(options, devTokens, TimeProvider.System);
        builder.Services.AddSingleton(signing);
        builder.Services.AddSingleton(options);

        // District grants held by the service: every request and hub connection sees only districts still granted.
        builder.Services.AddSingleton<DistrictGrants>();
        builder.Services.AddSingleton<IClaimsTransformation, GrantedClaims>();
        builder.Services.AddSingleton<HubGrantWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HubGrantWatch>());
        builder.Services.Configure<HubOptions>(o => o.AddFilter<GrantedHubFilter>());
        builder.Services.AddSingleton<RefreshSessions>();

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                if (!string.IsNullOrEmpty(options.Authority))
                {
                    jwt.Authority = options.Authority;
                    jwt.Audience = options.Audience;
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    // With an authority the issuer comes from its metadata.
                    ValidIssuers = string.IsNullOrEmpty(options.Authority) ? [options.Issuer] : null,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = signing.Key,
                    NameClaimType = BoaiClaims.Subject,
                    RoleClaimType = BoaiClaims.Role,
                    ClockSkew = options.ClockSkew,
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments(HubPath)
                            && context.Request.Query.TryGetValue("access_token", out var token)
                            && !string.IsNullOrEmpty(token))
                        {
                            context.Token = token;
                        }
                        else if (context.Request.Path.StartsWithSegments(OrleansDashboardRoutes.Path)
                            && context.Request.Headers.Authorization.Count == 0
                            && context.Request.Cookies.TryGetValue(OrleansDashboardRoutes.CookieName, out var cookie)
                            && !string.IsNullOrEmpty(cookie))
                        {
                            // The Orleans dashboard's own page fetches without a bearer header: its cookie carries one.
                            context.Token = cookie;
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(CallerPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => Caller.From(c.User) is not null))
            .AddPolicy(StaffPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => Caller.From(c.User) is { IsStaff: true }))
            .AddPolicy(OperatorPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => Caller.From(c.User) is { IsOperator: true }));

        // The hosting diagnostics log each request's URL with its query string, where the hub's token travels.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Connections", LogLevel.Warning);
        return builder;
    }

    /// <summary>Says at startup what an operator must know about the tokens this instance accepts.</summary>
    public static void LogAuthSetup(this WebApplication app)
    {
        var signing = app.Services.GetRequiredService<TokenSigning>();
        var options = app.Services.GetRequiredService<AuthOptions>();
        if (options.DevTokens && !signing.DevTokensEnabled)
        {
            LogDevTokensRefused(app.Logger, app.Environment.EnvironmentName);
        }
        else if (signing.DevTokensEnabled)
        {
            LogDevTokensEnabled(app.Logger, app.Environment.EnvironmentName);
        }

        LogTokenLifetime(app.Logger, options.TokenLifetime);

        if (signing.KeyGenerated)
        {
            LogGeneratedKey(app.Logger);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Auth:DevTokens is set but ignored in the {Environment} environment (only Development and Demo mint dev tokens).")]
    private static partial void LogDevTokensRefused(ILogger logger, string environment);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "No Auth:SigningKey configured: dev tokens are signed with a key generated for this process; they will not survive a restart nor be accepted by other dashboard instances.")]
    private static partial void LogGeneratedKey(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Dev tokens are ENABLED ({Environment} environment): anyone who reaches POST /api/v1/dev/token can mint any role.")]
    private static partial void LogDevTokensEnabled(ILogger logger, string environment);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Tokens signed here live {Lifetime}; hub connections close when their token expires.")]
    private static partial void LogTokenLifetime(ILogger logger, TimeSpan lifetime);
}
