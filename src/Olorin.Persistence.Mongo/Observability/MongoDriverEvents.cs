using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;

namespace Olorin.Persistence.Mongo.Observability;

/// <summary>
/// The driver's command and connection-pool events as metrics (the driver's own OpenTelemetry support, the
/// <c>MongoDB.Driver</c> ActivitySource, gives traces only): <c>olorin.mongodb.command.duration</c> by command and
/// outcome, and each server's pool (checked out, open) for <see cref="MongoPoolProbe"/>.
/// <see cref="Configure"/> is one shared delegate, so that every client built from the same settings still
/// compares equal and shares the driver's cluster (and its pool).
/// </summary>
public static class MongoDriverEvents
{
    public const string MeterName = "Olorin.Persistence.Mongo";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram(
        "olorin.mongodb.command.duration", unit: "s", description: "MongoDB commands as the driver reports them, by command name and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10] });

    private static readonly ConcurrentDictionary<string, ServerPool> Pools = new();

    public static readonly Action<ClusterBuilder> Configure = cluster => cluster
        .Subscribe<CommandSucceededEvent>(e => RecordCommand(e.CommandName, e.Duration, "success"))
        .Subscribe<CommandFailedEvent>(e => RecordCommand(e.CommandName, e.Duration, "failure"))
        .Subscribe<ConnectionPoolCheckedOutConnectionEvent>(e => Pool(e.ServerId.EndPoint).CheckedOut())
        .Subscribe<ConnectionPoolCheckedInConnectionEvent>(e => Pool(e.ServerId.EndPoint).CheckedIn())
        .Subscribe<ConnectionPoolAddedConnectionEvent>(e => Pool(e.ServerId.EndPoint).Added())
        .Subscribe<ConnectionPoolRemovedConnectionEvent>(e => Pool(e.ServerId.EndPoint).Removed());

    /// <summary>Checked-out and open connections of the busiest server's pool (the one nearest exhaustion).</summary>
    internal static (long InUse, long Open) BusiestPool()
    {
        var busiest = Pools.Values.OrderByDescending(p => p.InUse).FirstOrDefault();
        return busiest is null ? (0, 0) : (busiest.InUse, busiest.Open);
    }

    private static void RecordCommand(string commandName, TimeSpan duration, string outcome)
        => CommandDuration.Record(duration.TotalSeconds, new TagList { { "db.command.name", commandName }, { "outcome", outcome } });

    private static ServerPool Pool(System.Net.EndPoint endPoint) => Pools.GetOrAdd(endPoint.ToString() ?? "", _ => new ServerPool());

    private sealed class ServerPool
    {
        private long _inUse, _open;
        public long InUse => Interlocked.Read(ref _inUse);
        public long Open => Interlocked.Read(ref _open);
        public void CheckedOut() => Interlocked.Increment(ref _inUse);
        public void CheckedIn() => Interlocked.Decrement(ref _inUse);
        public void Added() => Interlocked.Increment(ref _open);
        public void Removed() => Interlocked.Decrement(ref _open);
    }
}
