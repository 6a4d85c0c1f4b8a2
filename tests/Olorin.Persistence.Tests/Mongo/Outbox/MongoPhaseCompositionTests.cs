using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Outbox;

/// <summary>
/// The MongoDB composition carries what the phases need of a store: the change-transfer port (scoped, as the relay
/// resolves it per batch) and one outbox instance behind <see cref="IChangeOutbox"/>. The client never connects.
/// </summary>
public sealed class MongoPhaseCompositionTests
{
    [Fact]
    public async Task The_transfer_port_and_the_outbox_resolve_from_the_MongoDB_composition()
    {
        var services = new ServiceCollection().AddMongoPersistence(
            new MongoSettings { Uri = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100", Database = "olorin_composition" },
            new MongoCapabilities("8.0.0", TransactionsSupported: false, SearchIndexesSupported: false, VectorSearchAvailable: false, AtlasSearchAvailable: false));

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await using var scope = provider.CreateAsyncScope();
        Assert.Equal(ServiceLifetime.Scoped, Assert.Single(services, d => d.ServiceType == typeof(IChangeTransferPort)).Lifetime);
        Assert.IsType<MongoChangeTransfer>(scope.ServiceProvider.GetRequiredService<IChangeTransferPort>());
        Assert.Same(provider.GetRequiredService<MongoChangeOutbox>(), provider.GetRequiredService<IChangeOutbox>());
    }
}
