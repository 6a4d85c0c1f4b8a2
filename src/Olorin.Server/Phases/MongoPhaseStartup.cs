using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Server.Phases;

/// <summary>
/// Start-up when MongoDB serves, before the first request. <c>mongo_primary</c>: the outbox's indexes, then
/// <see cref="PhaseStartup"/> (PostgreSQL's leftover outbox drained into MongoDB, the write-back marker set, capture
/// switched off in PostgreSQL and on in MongoDB), and this process's capture switch told at once, so its first write
/// is captured. <c>mongo</c>: MongoDB alone, PostgreSQL receives nothing: a capture switch left on by
/// <c>mongo_primary</c> is switched off, so that a later start in <c>postgres</c>/<c>dual</c> sees that the write-back
/// stopped (the marker stays and it refuses) rather than draining an outbox that lacks this phase's writes.
/// </summary>
public static partial class MongoPhaseStartup
{
    public static async Task PrepareAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var stores = services.GetRequiredService<PhaseStores>();
        var outbox = services.GetRequiredService<MongoChangeOutbox>();
        var captureSwitch = services.GetRequiredService<MongoCaptureSwitch>();
        if (stores.Topology.Phase == MigrationPhase.MongoPrimary)
        {
            await outbox.EnsureIndexesAsync(cancellationToken);
            await PhaseStartup.PrepareAsync(services, logger, cancellationToken);
            captureSwitch.Known(true);
            return;
        }

        try
        {
            if (await outbox.IsCaptureOnAsync(cancellationToken))
            {
                await outbox.SetCaptureAsync(false, cancellationToken);
                LogCaptureOff(logger);
            }
            captureSwitch.Known(false);
        }
        catch (Exception e) when (e is MongoDB.Driver.MongoException or TimeoutException)
        {
            // Capture stays as the switch says; writes follow the switch, so what they capture stays consistent with it.
            LogCaptureUnknown(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration phase mongo: switched MongoDB's change capture off (left on by mongo_primary). PostgreSQL no longer receives MongoDB's writes: a start in postgres or dual refuses until they are copied back (docs/operations.md, Rollback)")]
    private static partial void LogCaptureOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration phase mongo: could not check MongoDB's change capture switch at start-up ({Error}); writes follow whatever it says")]
    private static partial void LogCaptureUnknown(ILogger logger, string error);
}
