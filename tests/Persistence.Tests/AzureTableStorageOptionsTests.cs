using Azure.Core;
using Azure.Data.Tables;
using Boai.Orleans.Persistence.AzureTable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.Tests;

public sealed class AzureTableStorageOptionsTests
{
    private const string DevelopmentStorage = "UseDevelopmentStorage=true";

    [Fact]
    public void Connection_string_alone_is_valid() =>
        Validate(new AzureTableStorageOptions { ConnectionString = DevelopmentStorage, TableName = "BoaiGrainState" });

    [Fact]
    public void Service_uri_with_a_credential_is_valid() =>
        Validate(new AzureTableStorageOptions { ServiceUri = new Uri("https://account.table.core.windows.net"), TokenCredential = new NoCredential() });

    [Theory]
    [InlineData(-1)]
    [InlineData(AzureTableStorageOptions.MaxBatchPartitions + 1)]
    public void Batch_partitions_out_of_range_are_refused(int partitions)
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(
            new AzureTableStorageOptions { ConnectionString = DevelopmentStorage, BatchPartitions = partitions }, "Grains"));

        Assert.Contains(nameof(AzureTableStorageOptions.BatchPartitions), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(AzureTableStorageOptions.MaxBatchPartitions)]
    public void Batch_partitions_in_range_are_valid(int partitions) =>
        Validate(new AzureTableStorageOptions { ConnectionString = DevelopmentStorage, BatchPartitions = partitions });

    [Fact]
    public void Options_without_an_account_are_refused_naming_the_provider()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new AzureTableStorageOptions(), "Grains"));

        Assert.Contains("'Grains'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_a_connection_string_and_a_service_uri_are_refused() =>
        Assert.Throws<OrleansConfigurationException>(() => Validate(new AzureTableStorageOptions
        {
            ConnectionString = DevelopmentStorage,
            ServiceUri = new Uri("https://account.table.core.windows.net"),
            TokenCredential = new NoCredential(),
        }));

    [Fact]
    public void Service_uri_without_a_credential_is_refused() =>
        Assert.Throws<OrleansConfigurationException>(() => Validate(new AzureTableStorageOptions { ServiceUri = new Uri("https://account.table.core.windows.net") }));

    [Fact]
    public void Malformed_connection_string_is_refused() =>
        Assert.Throws<OrleansConfigurationException>(() => Validate(new AzureTableStorageOptions { ConnectionString = "not a connection string" }));

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("grain-state")]
    [InlineData("tables")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void Invalid_table_names_are_refused(string tableName) =>
        Assert.Throws<OrleansConfigurationException>(() => Validate(new AzureTableStorageOptions { ConnectionString = DevelopmentStorage, TableName = tableName }));

    [Theory]
    [InlineData(30)]
    [InlineData(10)]
    [InlineData(2)]
    public void Sdk_retries_fit_within_the_operation_timeout(int seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        var retry = new TableClientOptions().Retry;

        AzureTableStorageOptionsDefaults.FitRetriesWithin(retry, budget);

        Assert.InRange(retry.MaxRetries, 0, 3);
        Assert.True(
            (retry.NetworkTimeout * (retry.MaxRetries + 1)) + (retry.MaxDelay * retry.MaxRetries) <= budget,
            $"{retry.MaxRetries} retries of {retry.NetworkTimeout} with back-off up to {retry.MaxDelay} exceed {budget}");
    }

    [Fact]
    public void Operation_timeout_stays_below_the_orleans_response_timeout()
    {
        var options = Configure(TimeSpan.FromSeconds(10), o => o.OperationTimeout = TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromSeconds(9), options.OperationTimeout);
        Assert.True(options.ClientOptions.Retry.NetworkTimeout < TimeSpan.FromSeconds(9));
    }

    [Fact]
    public void Shorter_operation_timeout_is_kept()
    {
        var options = Configure(TimeSpan.FromSeconds(30), o => o.OperationTimeout = TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), options.OperationTimeout);
    }

    [Fact]
    public void System_text_json_is_the_default_serializer()
    {
        var options = Configure(TimeSpan.FromSeconds(30), _ => { });

        Assert.IsType<SystemTextJsonGrainStorageSerializer>(options.GrainStorageSerializer);
    }

    [Fact]
    public void Service_client_points_at_the_configured_account()
    {
        var options = new AzureTableStorageOptions { ConnectionString = DevelopmentStorage };

        Assert.Equal("devstoreaccount1", options.CreateServiceClient().AccountName);
        Assert.Equal("BoaiVisitLedger", options.CreateTableClient("BoaiVisitLedger").Name);
    }

    private static void Validate(AzureTableStorageOptions options, string name = "Default") =>
        new AzureTableStorageOptionsValidator(options, name).ValidateConfiguration();

    private static AzureTableStorageOptions Configure(TimeSpan responseTimeout, Action<AzureTableStorageOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSerializer();
        services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
        services.AddAzureTableGrainStorage("Test", o => o.Configure(options =>
        {
            options.ConnectionString = DevelopmentStorage;
            configure(options);
        }));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get("Test");
    }

    private sealed class NoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => default;

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => default;
    }
}
