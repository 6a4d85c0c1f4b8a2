using Olorin.Core.Phases;
using Olorin.Server.Persistence;

namespace Olorin.Server.Migration;

/// <summary>
/// The topology the server runs in: the registered <see cref="MigrationTopology"/> when the phase machinery registered
/// one, else the single-store phase of the serving backend (<c>postgres</c> or <c>mongo</c>).
/// </summary>
public static class MigrationTopologies
{
    public static MigrationTopology Current(IServiceProvider services)
    {
        if (services.GetService<MigrationTopology>() is { } topology) return topology;
        var backend = services.GetRequiredService<ActiveBackend>().Name;
        return new MigrationTopology(
            backend == Olorin.Persistence.Mongo.MongoPersistence.BackendName ? MigrationPhase.Mongo : MigrationPhase.Postgres, backend, null);
    }
}
