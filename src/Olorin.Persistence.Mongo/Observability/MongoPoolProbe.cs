using Olorin.Core.Observability;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Observability;

/// <summary>The MongoDB pool of the busiest server, counted from the driver's pool events (<see cref="MongoDriverEvents"/>).</summary>
public sealed class MongoPoolProbe(MongoSettings settings) : IConnectionPoolProbe
{
    // The URI may override MONGODB_MAX_POOL_SIZE; the effective value is the client settings'.
    private readonly int _max = MongoClientFactory.CreateClientSettings(settings).MaxConnectionPoolSize;

    public string Backend => MongoPersistence.BackendName;

    public ConnectionPoolState Read()
    {
        var (inUse, open) = MongoDriverEvents.BusiestPool();
        return new ConnectionPoolState(inUse, open, _max);
    }
}
