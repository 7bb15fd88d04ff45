using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>Checks one named provider's options when the silo starts, so a misconfiguration fails fast and says which provider.</summary>
public sealed partial class AzureTableStorageOptionsValidator(AzureTableStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasServiceUri = options.ServiceUri is not null;
        if (hasConnectionString == hasServiceUri)
        {
            throw Invalid(
                $"set either {nameof(options.ConnectionString)}, or {nameof(options.ServiceUri)} with {nameof(options.TokenCredential)} (not both).");
        }

        if (hasConnectionString)
        {
            try
            {
                _ = new TableServiceClient(options.ConnectionString, options.ClientOptions);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new OrleansConfigurationException($"{Prefix} {nameof(options.ConnectionString)} is not a valid storage connection string.", ex);
            }
        }
        else
        {
            if (options.ServiceUri is not { IsAbsoluteUri: true } uri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw Invalid($"{nameof(options.ServiceUri)} must be an absolute http(s) URI.");
            }

            if (options.TokenCredential is null)
            {
                throw Invalid($"{nameof(options.ServiceUri)} needs a {nameof(options.TokenCredential)}.");
            }
        }

        if (options.TableName is null || !TableNamePattern().IsMatch(options.TableName)
            || string.Equals(options.TableName, "tables", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(
                $"{nameof(options.TableName)} '{options.TableName}' is not a valid Azure table name "
                + "(3 to 63 letters or digits, starting with a letter, not 'tables').");
        }

        if (options.OperationTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw Invalid($"{nameof(options.OperationTimeout)} must be positive.");
        }

        if (options.BatchPartitions is < 0 or > AzureTableStorageOptions.MaxBatchPartitions)
        {
            throw Invalid(
                $"{nameof(options.BatchPartitions)} must be 0 (one partition per grain) to {AzureTableStorageOptions.MaxBatchPartitions}, not {options.BatchPartitions}.");
        }
    }

    private string Prefix => $"Azure Table grain storage '{name}':";

    private OrleansConfigurationException Invalid(string problem) => new($"{Prefix} {problem}");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();
}
