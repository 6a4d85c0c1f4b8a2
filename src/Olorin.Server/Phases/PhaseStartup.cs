using Olorin.Core.Phases;
using Olorin.Persistence.Postgres.Outbox;

namespace Olorin.Server.Phases;

/// <summary>
/// Start-up of a phase, before the first request: switches capture on where this phase's primary is and off
/// elsewhere, drains what the previous phase left, records or clears the write-back marker, and refuses to start
/// PostgreSQL as the serving store while it is known to lag writes MongoDB acknowledged.
/// </summary>
public static partial class PhaseStartup
{
    public static async Task PrepareAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var stores = services.GetRequiredService<PhaseStores>();
        if (stores.Topology.Phase == MigrationPhase.Postgres && stores.Other is null)
        {
            // PostgreSQL alone, as before the phases existed: a database that is down at start-up must not stop the
            // server (it answers 503 until the database is back). The marker check is not skipped: WriteBackCheck
            // holds every API request until it has run, and retries it in the background.
            try
            {
                await CheckWriteBackAsync(services, logger, cancellationToken);
            }
            catch (Exception e) when (IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                var error = $"{e.GetType().Name}: {Logging.SecretRedactor.Redact(e.Message)}";
                services.GetRequiredService<WriteBackCheck>().Defer(error);
                LogMarkerDeferred(logger, error);
            }
            return;
        }
        await PrepareCoreAsync(services, stores, logger, cancellationToken);
    }

    /// <summary>
    /// PostgreSQL alone: the start-up preparation (marker check, capture off). A database without the capture tables
    /// (not migrated yet) has never had the marker set: nothing to check.
    /// </summary>
    internal static async Task CheckWriteBackAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await PrepareCoreAsync(services, services.GetRequiredService<PhaseStores>(), logger, cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            LogNoCaptureTables(logger);
        }
    }

    /// <summary>The database could not be asked (down, or not answering in time).</summary>
    internal static bool IsUnreachable(Exception e) => e switch
    {
        // A server that answered with an error is reachable, unless the error says it cannot take connections now
        // (class 08 connection exceptions, 57P0x shutting down / starting up, 53300 too many connections).
        Npgsql.PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState == "53300",
        Npgsql.NpgsqlException or TimeoutException => true,
        _ => false,
    };

    private static async Task PrepareCoreAsync(IServiceProvider services, PhaseStores stores, ILogger logger, CancellationToken cancellationToken)
    {
        var outbox = services.GetRequiredService<IChangeOutbox>();
        var other = stores.Other;
        string? otherError = null;
        if (other is not null)
        {
            try
            {
                await other.PrepareAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                otherError = $"{e.GetType().Name}: {Logging.SecretRedactor.Redact(e.Message)}";
                LogOtherUnreachable(logger, other.Role, otherError);
            }
        }

        switch (stores.Topology.Phase)
        {
            case MigrationPhase.Postgres:
            case MigrationPhase.Dual:
                await RequireWriteBackDoneAsync(services, stores, otherError, logger, cancellationToken);
                if (other is not null && otherError is null) await other.Outbox.SetCaptureAsync(false, cancellationToken);
                await outbox.SetCaptureAsync(stores.Topology.Phase == MigrationPhase.Dual, cancellationToken);
                if (stores.Topology.Phase == MigrationPhase.Dual && otherError is not null && stores.Settings.FailOnMongoDbError)
                    throw new StartupAbortedException(
                        $"The secondary is unreachable ({otherError}); FAIL_ON_MONGODB_ERROR=true forbids starting dual without it. Check {PhaseSettings.SecondaryUrlVariable}.");
                break;

            case MigrationPhase.MongoPrimary:
                if (otherError is not null)
                    throw new StartupAbortedException(
                        $"PostgreSQL (DATABASE_URL) is unreachable ({otherError}): mongo_primary records in it that it will lag MongoDB, so it must be reachable at start-up.");
                // Whatever dual left in PostgreSQL's outbox reaches MongoDB before MongoDB decides any write.
                var leftover = await ChangeRelaying.DrainAsync(other!.Outbox, services, stores.Settings.RelayBatchSize, stores.Settings.RelayMaxAttempts, cancellationToken);
                if (leftover > 0) LogLeftoverDrained(logger, leftover);
                // As for the write-back below: the drain ends at its first empty claim, so only the count says whether
                // MongoDB now holds every change PostgreSQL acknowledged.
                var undrained = UndrainedProblem(await other.Outbox.DepthAsync(cancellationToken), "PostgreSQL's outbox", "MongoDB", stores.Settings.RelayMaxAttempts);
                if (undrained is not null)
                    throw new StartupAbortedException(
                        $"MongoDB lags writes PostgreSQL acknowledged: {undrained}. Start in dual (its relay goes on copying them) until safe_to_advance is true, then restart in mongo_primary.");
                await other.Marker.SetAsync($"{Environment.MachineName} at start-up in mongo_primary", cancellationToken);
                await other.Outbox.SetCaptureAsync(false, cancellationToken);
                await outbox.SetCaptureAsync(true, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// PostgreSQL is about to serve (postgres or dual): if MongoDB was primary and PostgreSQL may lag it (the marker,
    /// or a write-back outbox with entries), drain the write-back first; refuse when that cannot be done, unless
    /// <c>ALLOW_UNDRAINED_WRITE_BACK=true</c>.
    /// </summary>
    private static async Task RequireWriteBackDoneAsync(
        IServiceProvider services, PhaseStores stores, string? otherError, ILogger logger, CancellationToken cancellationToken)
    {
        var marker = await services.GetRequiredService<WriteBackMarker>().ReadAsync(cancellationToken);
        OtherStore? opened = null;
        try
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            if (marker is not null && stores.Other is null && !stores.Settings.MongoSideIsStandIn
                && !string.IsNullOrWhiteSpace(configuration[Olorin.Persistence.Mongo.Settings.MongoSettingsKeys.Uri]))
            {
                // MongoDB itself was primary and this phase has no store for it: open it just to drain its write-back outbox.
                try
                {
                    opened = await PhaseRegistration.OpenMongoWriteBackAsync(configuration, logger, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    otherError = $"{e.GetType().Name}: {Logging.SecretRedactor.Redact(e.Message)}";
                }
            }
            await RequireWriteBackDoneAsync(services, stores, stores.Other ?? opened, marker, otherError, logger, cancellationToken);
        }
        finally
        {
            if (opened is not null) await opened.DisposeAsync();
        }
    }

    private static async Task RequireWriteBackDoneAsync(
        IServiceProvider services, PhaseStores stores, OtherStore? other, WriteBackMarker.State? marker, string? otherError, ILogger logger,
        CancellationToken cancellationToken)
    {
        OutboxDepth? pending = null;
        var captureWasOn = false;
        if (other is not null && otherError is null)
        {
            pending = await other.Outbox.DepthAsync(cancellationToken);
            captureWasOn = await other.Outbox.IsCaptureOnAsync(cancellationToken);
        }
        if (marker is null && pending is not { Entries: > 0 }) return;

        string problem;
        if (otherError is not null)
            problem = $"MongoDB was primary (write-back marker set {marker!.SetAt:u}) and its write-back outbox cannot be drained: {otherError}";
        else if (other is null)
            problem = $"MongoDB was primary (write-back marker set {marker!.SetAt:u} by {marker.SetBy}) and no write-back outbox is configured to drain (MONGODB_URI and {PhaseSettings.SecondaryUrlVariable} are unset)";
        else
        {
            var drained = await ChangeRelaying.DrainAsync(other.Outbox, services, stores.Settings.RelayBatchSize, stores.Settings.RelayMaxAttempts, cancellationToken);
            LogWriteBackDrained(logger, drained);
            // The drain stops at the first empty claim, and claims skip rows another instance holds: the marker is
            // cleared only when the outbox is really empty (the count sees locked rows too).
            var undrained = UndrainedProblem(await other.Outbox.DepthAsync(cancellationToken), "the write-back outbox", "PostgreSQL", stores.Settings.RelayMaxAttempts);
            if (undrained is not null)
                problem = undrained;
            else if (marker is null || captureWasOn)
            {
                await services.GetRequiredService<WriteBackMarker>().ClearAsync(cancellationToken);
                // A store opened only for this drain is not switched off by the caller: MongoDB no longer decides.
                if (stores.Other is null) await other.Outbox.SetCaptureAsync(false, cancellationToken);
                return;
            }
            else
                problem = $"MongoDB was primary (write-back marker set {marker.SetAt:u}) but its write-back capture was switched off since, so PostgreSQL may lack writes no outbox holds";
        }

        if (stores.Settings.AllowUndrainedWriteBack)
        {
            LogOverride(logger, problem);
            return;
        }
        var mongoSetting = stores.Settings.MongoSideIsStandIn ? PhaseSettings.SecondaryUrlVariable : "MONGODB_URI";
        throw new StartupAbortedException(
            $"PostgreSQL lags writes MongoDB acknowledged: {problem}. Make MongoDB ({mongoSetting}) reachable and restart (start-up drains the write-back), or start in mongo_primary; {PhaseSettings.AllowUndrainedVariable}=true starts anyway and loses those writes.");
    }

    /// <summary>
    /// Why an outbox a start-up drain has just emptied still keeps its target behind, or null when it does not: entries
    /// left (the drain stops at its first empty claim, and claims skip rows another instance holds; the count sees
    /// locked rows too) or dead letters (changes the target refused, never copied).
    /// </summary>
    private static string? UndrainedProblem(OutboxDepth left, string outbox, string target, int maxAttempts)
        => left.Entries > 0
            ? $"{outbox} still holds {left.Entries} entries after draining (another instance may be draining it now)"
            : left.DeadLetters > 0
                ? $"{outbox} holds {left.DeadLetters} dead letter(s): changes {target} refused {maxAttempts} times (see docs/operations.md, 'Dead letters'; scripts/olorin outbox list-dead-letters / retry-dead-letters)"
                : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration phase: could not check PostgreSQL for an incomplete MongoDB write-back at start-up ({Error}); API requests answer 503 until the check has run (retried in the background)")]
    private static partial void LogMarkerDeferred(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration phase: PostgreSQL has no change-capture tables (not migrated): no write-back marker to check")]
    private static partial void LogNoCaptureTables(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration phase: the {Role} is unreachable at start-up: {Error}")]
    private static partial void LogOtherUnreachable(ILogger logger, string role, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration phase: drained the write-back outbox into PostgreSQL ({Documents} document(s))")]
    private static partial void LogWriteBackDrained(ILogger logger, long documents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration phase: drained PostgreSQL's outbox left by dual ({Documents} document(s)) before MongoDB becomes primary")]
    private static partial void LogLeftoverDrained(ILogger logger, long documents);

    [LoggerMessage(Level = LogLevel.Critical, Message = "ALLOW_UNDRAINED_WRITE_BACK=true: starting although PostgreSQL lags writes MongoDB acknowledged: {Problem}. Those writes are missing from what this server serves.")]
    private static partial void LogOverride(ILogger logger, string problem);
}
