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
        var shape = await from.ShapeAsync(collection.Name, cancellationToken);
        return shape is not null && shape == await to.ShapeAsync(collection.Name, cancellationToken) ? new RawPath(from, to) : null;
    }
}
