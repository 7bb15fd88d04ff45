using Boai.Orleans.Hosting;
using Boai.Orleans.Testing;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Finding 7: the silo's gateway answers only clients that hold the cluster's certificate.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ClusterTlsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Only_a_client_with_the_cluster_certificate_can_call_a_grain()
    {
        using var cluster = new DevClusterCertificate();
        using var stranger = new DevClusterCertificate();
        var settings = TestClusterSettings.Create(fixture.Azurite.ConnectionString);
        foreach (var (key, value) in cluster.Settings())
        {
            settings[key] = value;
        }

        await using var silo = await TestSilo.StartAsync(settings);

        using (var member = await StartClientAsync(settings, silo.GatewayPort, cluster.Settings()))
        {
            var grains = member.Services.GetRequiredService<IGrainFactory>();
            Assert.Null(await grains.GetGrain<IVolunteerGrain>("v-tls-probe").Get());
        }

        // No TLS at all, and TLS with a certificate the cluster does not know: the gateway never lets them in.
        await Assert.ThrowsAsync<global::Orleans.Runtime.Messaging.ConnectionFailedException>(() => StartClientAsync(settings, silo.GatewayPort, new Dictionary<string, string?>
        {
            ["Cluster:Tls:CertificatePath"] = null,
            ["Cluster:Tls:KeyPath"] = null,
        }));
        await Assert.ThrowsAsync<global::Orleans.Runtime.Messaging.ConnectionFailedException>(() => StartClientAsync(settings, silo.GatewayPort, stranger.Settings()));
    }

    [Fact]
    public void Production_refuses_plaintext_cluster_ports_unless_another_boundary_is_declared()
    {
        var production = new FakeEnvironment(Environments.Production);
        Assert.Throws<InvalidOperationException>(() => new ClusterTlsSettings().EnsureBoundary(production));
        new ClusterTlsSettings { AllowPlaintext = true }.EnsureBoundary(production);
        new ClusterTlsSettings { CertificatePath = "cluster.crt" }.EnsureBoundary(production);
        new ClusterTlsSettings().EnsureBoundary(new FakeEnvironment(Environments.Development));
    }

    private static async Task<IHost> StartClientAsync(
        IReadOnlyDictionary<string, string?> settings, int gatewayPort, IReadOnlyDictionary<string, string?> tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(tls);
        builder.Configuration["Cluster:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        // A refused connection ends the start at once instead of being retried.
        builder.AddBoaiClusterClient(client => client.UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private sealed class FakeEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
