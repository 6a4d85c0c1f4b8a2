namespace Olorin.Core.Observability;

/// <summary>
/// A backend's connection pool as it is right now: what the <c>olorin.db.pool.*</c> gauges, <c>/status</c> and the
/// "pool exhausted" rollback trigger read. Each persistence adapter registers one for the pool it serves from.
/// </summary>
public interface IConnectionPoolProbe
{
    /// <summary>The backend name as <c>/status</c> shows it (<c>postgres</c>, <c>mongodb</c>).</summary>
    string Backend { get; }

    ConnectionPoolState Read();
}

/// <param name="InUse">Connections handed out to callers.</param>
/// <param name="Open">Connections open (in use or idle).</param>
/// <param name="Max">The most the pool will open; for a MongoDB cluster, per server (each server has its own pool).</param>
public sealed record ConnectionPoolState(long InUse, long Open, long Max)
{
    /// <summary>In use as a percentage of the maximum (0 when the maximum is unknown).</summary>
    public double UsagePercent => Max > 0 ? Math.Round(100.0 * InUse / Max, 1) : 0;
}
