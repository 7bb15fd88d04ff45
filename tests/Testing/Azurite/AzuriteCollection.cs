namespace Boai.Orleans.Testing;

/// <summary>
/// The name of the test collection that shares one <see cref="AzuriteFixture"/>. Each test project declares the
/// collection itself (xunit reads definitions only from the test assembly):
/// <c>[CollectionDefinition(AzuriteCollection.Name)] public sealed class AzuriteCollectionDefinition : ICollectionFixture&lt;AzuriteFixture&gt;;</c>
/// </summary>
public static class AzuriteCollection
{
    public const string Name = "Azurite";
}
