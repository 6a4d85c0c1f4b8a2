using Olorin.Core.Phases;

namespace Olorin.Server.Phases;

/// <summary>
/// The change relay: claims the primary's outbox in batches and applies the current state of each key to the other
/// store (<see cref="ChangeRelaying"/>). Safe with several server instances (the outbox claims disjoint entries and
/// serialises keys). When the other store fails, nothing is lost: the entries stay, and the relay retries with a
/// doubling back-off up to <c>OUTBOX_RELAY_MAX_BACKOFF_MS</c>, so the outbox drains on its own once the store is back.
/// With <see cref="RelayRoute.UntilEmpty"/> (a leftover from the previous phase) it stops when the outbox is empty.
/// </summary>
public sealed partial class ChangeRelayService(RelayRoute route, PhaseSettings settings, RelayCounters counters, ILogger<ChangeRelayService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var backoff = TimeSpan.Zero;
        var ready = false;
        LogStarted(logger, route.Description);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready) ready = await route.PrepareTargetAsync(stoppingToken);
                var batch = await ChangeRelaying.RelayOnceAsync(route.Source, route.Target, settings.RelayBatchSize, settings.RelayMaxAttempts,
                    route.UntilEmpty ? RefusalBackoff.None : settings.RelayRefusedBackoff, stoppingToken);
                if (backoff > TimeSpan.Zero) LogRecovered(logger, route.Description);
                counters.Succeeded(batch.Documents, batch.Entries);
                if (batch.Refused > 0)
                {
                    counters.Refused(batch.Refused, batch.DeadLettered);
                    LogRefused(logger, route.Description, batch.Refused, batch.DeadLettered, settings.RelayMaxAttempts);
                }
                backoff = TimeSpan.Zero;
                if (batch.Entries == 0 && route.UntilEmpty)
                {
                    LogDrained(logger, route.Description);
                    return;
                }
                // A full batch means more is waiting: go on at once. A partial one means the relay has caught up: wait
                // for the poll interval, so that under a steady write load the next batch carries what a whole interval
                // captured instead of the few entries written since the last commit (the per-batch cost — the claim, one read
                // per collection, the commit, the writes to the other store — is then paid per interval, not per handful of writes).
                // Refused keys went back behind the others (or became dead letters): no reason to hurry for them.
                if ((batch.Entries >= settings.RelayBatchSize && batch.Refused == 0) || (route.UntilEmpty && batch.Entries > 0)) continue;
                await Task.Delay(settings.RelayPollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is down or refused the batch: the claimed entries were not removed; retry later.
                counters.Failed($"{e.GetType().Name}: {Redacted(e.Message)}");
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.RelayMaxBackoff.Ticks));
                LogFailed(logger, route.Description, e.GetType().Name, Redacted(e.Message), backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string Redacted(string message) => Olorin.Server.Logging.SecretRedactor.Redact(message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change relay started: {Route}")]
    private static partial void LogStarted(ILogger logger, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change relay {Route}: batch failed ({Error}: {Message}); the outbox keeps it, retrying in {BackoffMs} ms")]
    private static partial void LogFailed(ILogger logger, string route, string error, string message, double backoffMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change relay {Route}: the other store refused {Refused} document(s) of a batch (the rest was applied); {DeadLettered} reached {MaxAttempts} attempts and became dead letters (see /status/migration)")]
    private static partial void LogRefused(ILogger logger, string route, int refused, int deadLettered, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change relay {Route}: applying again")]
    private static partial void LogRecovered(ILogger logger, string route);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change relay {Route}: the outbox left by the previous phase is drained")]
    private static partial void LogDrained(ILogger logger, string route);
}

/// <summary>Where the relay copies from and to.</summary>
/// <param name="Source">The outbox of the store whose changes are copied (the primary, or the previous phase's primary).</param>
/// <param name="Target">The service provider of the store that receives them.</param>
/// <param name="PrepareTargetAsync">Makes the target ready once (schema migrations); true when done.</param>
public sealed record RelayRoute(string Description, IChangeOutbox Source, IServiceProvider Target, bool UntilEmpty, Func<CancellationToken, Task<bool>> PrepareTargetAsync);
