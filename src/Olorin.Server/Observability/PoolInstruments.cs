using System.Diagnostics.Metrics;
using Olorin.Core.Observability;

namespace Olorin.Server.Observability;

/// <summary>
/// <c>olorin.db.pool.connections.in_use</c>, <c>.open</c> and <c>.max</c> by <c>db.backend</c>, one name for both
/// backends so that one alert rule covers either (Npgsql's own <c>db.client.connection.*</c> are exported too).
/// </summary>
public sealed class PoolInstruments : IOlorinInstruments
{
    public PoolInstruments(OlorinMeter meter, IEnumerable<IConnectionPoolProbe> probes)
    {
        var all = probes.ToList();
        meter.Meter.CreateObservableGauge("olorin.db.pool.connections.in_use", () => Observe(all, s => s.InUse), unit: "{connection}",
            description: "Connections handed out by the serving backend's pool (MongoDB: the busiest server's pool).");
        meter.Meter.CreateObservableGauge("olorin.db.pool.connections.open", () => Observe(all, s => s.Open), unit: "{connection}",
            description: "Connections open in the serving backend's pool, in use or idle.");
        meter.Meter.CreateObservableGauge("olorin.db.pool.connections.max", () => Observe(all, s => s.Max), unit: "{connection}",
            description: "The most connections the pool opens (MongoDB: per server).");
    }

    private static IEnumerable<Measurement<long>> Observe(List<IConnectionPoolProbe> probes, Func<ConnectionPoolState, long> value)
        => probes.Select(p => new Measurement<long>(value(p.Read()), new KeyValuePair<string, object?>("db.backend", p.Backend)));
}
