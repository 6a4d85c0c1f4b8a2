using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// Every port resolves to exactly one MongoDB repository, scoped, and each one's dependencies are registered by
/// <see cref="MongoPersistence.AddMongoPersistence"/>. The client never connects: nothing here runs a command.
/// </summary>
public sealed class RepositoryCompositionTests
{
    [Fact]
    public async Task Every_port_has_one_scoped_MongoDB_repository_whose_dependencies_resolve()
    {
        var services = new ServiceCollection().AddMongoPersistence(
            new MongoSettings { Uri = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100", Database = "olorin_composition" },
            new MongoCapabilities("7.0.0", TransactionsSupported: false, SearchIndexesSupported: false, VectorSearchAvailable: false, AtlasSearchAvailable: false));

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await using var scope = provider.CreateAsyncScope();
        foreach (var port in RepositoryRegistration.Ports)
        {
            var registration = Assert.Single(services, d => d.ServiceType == port);
            Assert.Equal(ServiceLifetime.Scoped, registration.Lifetime);
            var repository = scope.ServiceProvider.GetRequiredService(port);
            Assert.Equal(typeof(MongoPersistence).Assembly, repository.GetType().Assembly);
        }
    }
}
