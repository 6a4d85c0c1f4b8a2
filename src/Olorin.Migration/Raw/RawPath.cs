using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Migration.Collections;

namespace Olorin.Migration.Raw;

/// <summary>The two ends of the same-backend fast path (<see cref="IRawRowTransfer"/>) for one collection.</summary>
public sealed record RawPath(IRawRowTransfer Source, IRawRowTransfer Target)
{
    /// <summary>
    /// Both endpoints' raw transfer when both have one and store <paramref name="collection"/> with the same shape
    /// (PostgreSQL → PostgreSQL of the same schema); null otherwise, and then the caller goes through the models.
    /// </summary>
    public static async Task<RawPath?> FindAsync(MigrationEndpoint source, MigrationEndpoint target, MigrationCollection collection, CancellationToken cancellationToken)
    {
        if (source.Services.GetService<IRawRowTransfer>() is not { } from || target.Services.GetService<IRawRowTransfer>() is not { } to) return null;
        // Both ends at once: the first call on an endpoint builds its model and reads its catalog.
        var sourceShape = from.ShapeAsync(collection.Name, cancellationToken);
        var targetShape = to.ShapeAsync(collection.Name, cancellationToken);
        var (shape, other) = (await sourceShape, await targetShape);
        return shape is not null && shape == other ? new RawPath(from, to) : null;
    }
}
