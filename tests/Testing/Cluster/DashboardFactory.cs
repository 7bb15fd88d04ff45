using System.Net.Http.Headers;
using Boai.Orleans.Dashboard.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boai.Orleans.Testing;

/// <summary>
/// A dashboard host (the real <c>Program</c>) in this process, an Orleans client of a test silo's gateway, with dev
/// tokens on and a fixed signing key. Several can run against one cluster.
/// </summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>
{
    /// <summary>A test-only key, shared by every test dashboard so tokens work across instances.</summary>
    public const string SigningKey = "boai-tests-only-signing-key-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;

    public DashboardFactory(
        IReadOnlyDictionary<string, string?> sharedSettings,
        int gatewayPort,
        IReadOnlyDictionary<string, string?>? overrides = null,
        string environment = "Development")
    {
        _environment = environment;
        _settings = new Dictionary<string, string?>(sharedSettings)
        {
            ["Cluster:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:DevTokens"] = "true",
            ["Auth:SigningKey"] = SigningKey,
            ["Live:RegistrationInterval"] = "00:00:05",
            ["Live:RetryInterval"] = "00:00:00.500",
            // Tests make many requests as one user; the tests of the limit itself set their own.
            ["RateLimits:PerUser:TokenLimit"] = "1000000",
            ["RateLimits:PerUser:TokensPerPeriod"] = "1000000",
            // Reports are read again right after the visits they count; the test of the cache turns it on.
            ["Reports:CacheDuration"] = "00:00:00",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        // Host settings reach Program's builder before it reads them (as command-line arguments would).
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public string Token(string sub, string role, params string[] districts) =>
        Services.GetRequiredService<TokenSigning>().Issue(sub, role, districts).Token;

    public HttpClient ClientFor(string sub, string role, params string[] districts)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(sub, role, districts));
        return client;
    }

    public HttpClient Volunteer(string volunteerId) => ClientFor(volunteerId, Roles.Volunteer);

    public HttpClient Coordinator(params string[] districts) => ClientFor("coord-" + string.Join('-', districts), Roles.Coordinator, districts);

    public HttpClient Operator() => ClientFor("operator-1", Roles.Operator);

    /// <summary>A hub connection through the test server, with the token sent the way browsers send it.</summary>
    public HubConnection Hub(string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "/hubs/dashboard"), o =>
            {
                o.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public bool IsProduction => _environment == Environments.Production;
}
