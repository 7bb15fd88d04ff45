using Boai.Orleans.Testing;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>The tests of this assembly that need storage share one Azurite.</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
