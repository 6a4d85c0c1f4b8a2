using System.Diagnostics.Metrics;
using Npgsql;
using Olorin.Core.Observability;

namespace Olorin.Persistence.Postgres.Observability;

/// <summary>
/// Reads this data source's pool from Npgsql's own metrics (meter <c>Npgsql</c>: <c>db.client.connection.count</c>
/// by <c>db.client.connection.state</c>, and <c>db.client.connection.max</c>), which are observable instruments
/// evaluated on demand; Npgsql exposes no other public pool statistics. Measurements of other data sources in the
/// process are told apart by their pool name.
/// </summary>
public sealed class PostgresPoolProbe : IConnectionPoolProbe, IDisposable
{
    private const string MeterName = "Npgsql";
    private const string CountInstrument = "db.client.connection.count";
    private const string MaxInstrument = "db.client.connection.max";
    private const string PoolNameTag = "db.client.connection.pool.name";
    private const string StateTag = "db.client.connection.state";

    private readonly string _poolName;
    private readonly MeterListener _listener = new();
    private readonly Lock _reading = new();
    private long _used, _idle, _max;

    public PostgresPoolProbe(NpgsqlDataSource dataSource)
    {
        _poolName = dataSource.ConnectionString;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name is CountInstrument or MaxInstrument)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Observe(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Observe(instrument, value, tags));
        _listener.Start();
    }

    public string Backend => PostgresPersistence.BackendName;

    public ConnectionPoolState Read()
    {
        lock (_reading)
        {
            _used = _idle = _max = 0;
            _listener.RecordObservableInstruments();
            return new ConnectionPoolState(_used, _used + _idle, _max);
        }
    }

    private void Observe(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? pool = null, state = null;
        foreach (var (key, tagValue) in tags)
        {
            if (key == PoolNameTag) pool = tagValue as string;
            else if (key == StateTag) state = tagValue as string;
        }
        if (pool != _poolName) return;
        if (instrument.Name == MaxInstrument) _max = value;
        else if (state == "used") _used = value;
        else if (state == "idle") _idle = value;
    }

    public void Dispose() => _listener.Dispose();
}
