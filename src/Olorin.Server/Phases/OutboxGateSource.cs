using Olorin.Core.Phases;
using Olorin.Persistence.Postgres.Outbox;

namespace Olorin.Server.Phases;

/// <summary>
/// The <c>outbox</c> section of <c>/status/migration</c>: the primary's outbox (depth, age of the oldest entry), what
/// the relay applied, failed and retried (and its rate over the last minute), whether the other store answers, and
/// the blockers: outbox not drained, secondary unreachable, write-back incomplete.
/// </summary>
public sealed class OutboxGateSource(PhaseStores stores, IChangeOutbox outbox, WriteBackMarker marker, RelayCounters counters, TimeProvider clock)
    : IMigrationGateSource
{
    public string Section => "outbox";

    public async Task<MigrationGateReport> ReportAsync(CancellationToken cancellationToken = default)
    {
        var blockers = new List<string>();
        var now = clock.GetUtcNow();
        var depth = await outbox.DepthAsync(cancellationToken);
        var capture = await outbox.IsCaptureOnAsync(cancellationToken);
        var relay = counters.Read();
        double? oldestAge = depth.OldestChangedAt is { } oldest ? Math.Round(Math.Max(0, (now - oldest).TotalSeconds), 3) : null;
        if (depth.Entries > 0)
            blockers.Add($"outbox not drained: {depth.Entries} change(s) not yet applied to the secondary, the oldest {oldestAge:0.###} s old");
        if (depth.DeadLetters > 0)
            blockers.Add($"dead letters: {depth.DeadLetters} change(s) the other store refused {stores.Settings.RelayMaxAttempts} times were set aside; list them with 'scripts/olorin outbox list-dead-letters', fix the cause and run 'scripts/olorin outbox retry-dead-letters' (docs/operations.md, Dead letters)");

        string? otherError = null;
        var reachable = (bool?)null;
        if (stores.Other is { } other)
        {
            try
            {
                // A read, never PrepareAsync: a GET of the status must not migrate the other store (the relay and
                // start-up prepare it); an unmigrated store answers "relation … does not exist" here.
                await other.Outbox.IsCaptureOnAsync(cancellationToken);
                reachable = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                reachable = false;
                otherError = $"{e.GetType().Name}: {Logging.SecretRedactor.Redact(e.Message)}";
            }
            if (reachable == true && relay.Failing) otherError = relay.LastError;
            if (reachable == false || relay.Failing)
                // The reason is shown anonymously: the error text (a driver message may quote key values) stays in
                // secondary_error, which only /status/migration/details shows.
                blockers.Add($"secondary unreachable ({ErrorKind(otherError)}; the error is in /status/migration/details)");
        }

        var writeBack = stores.Topology.Phase is MigrationPhase.Postgres or MigrationPhase.Dual
            ? await marker.ReadAsync(cancellationToken)
            : null;
        if (writeBack is not null)
            blockers.Add($"write-back incomplete: MongoDB was primary (marker set {writeBack.SetAt:u}) and PostgreSQL started with {PhaseSettings.AllowUndrainedVariable}=true, so it may lack writes MongoDB acknowledged");

        return new MigrationGateReport(new OutboxReport(
            stores.Topology.Phase.WireName(), stores.Topology.PrimaryBackend, stores.Topology.SecondaryBackend, capture,
            depth.Entries, depth.OldestChangedAt?.UtcDateTime, oldestAge,
            relay.Applied, relay.EntriesRemoved, relay.Failed, relay.Retried, relay.AppliedPerSecond, relay.LastAppliedAt?.UtcDateTime,
            reachable, otherError, writeBack?.SetAt.UtcDateTime, depth.DeadLetters, relay.Refused, relay.DeadLettered), blockers);
    }

    /// <summary>The exception type that starts an error text ("NpgsqlException: …"), without the message.</summary>
    private static string ErrorKind(string? error)
        => error is null ? "no error recorded" : error.Split(':', 2)[0];
}

/// <summary>The <c>outbox</c> section's content (snake_case on the wire).</summary>
/// <param name="SecondaryReachable">Null when this phase has no other store.</param>
/// <param name="DeadLetters">Changes set aside in the primary's dead-letter store after the other store refused them <c>OUTBOX_RELAY_MAX_ATTEMPTS</c> times.</param>
/// <param name="Refused">Documents the other store refused since start-up (each one attempt).</param>
/// <param name="DeadLettered">Dead letters this instance set aside since start-up.</param>
public sealed record OutboxReport(
    string Phase,
    string Primary,
    string? Secondary,
    bool CaptureOn,
    long Depth,
    DateTime? OldestChangedAt,
    double? OldestAgeSeconds,
    long Applied,
    long EntriesApplied,
    long Failed,
    long Retried,
    double AppliedPerSecond,
    DateTime? LastAppliedAt,
    bool? SecondaryReachable,
    [property: DocumentIds] string? SecondaryError,
    DateTime? WriteBackMarkerSetAt,
    long DeadLetters,
    long Refused,
    long DeadLettered);
