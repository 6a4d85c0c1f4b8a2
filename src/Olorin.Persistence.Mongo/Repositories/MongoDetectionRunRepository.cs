using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Detection runs in the <c>detection_runs</c> time series. A status change is guarded on the current status, so
/// concurrent transitions are exclusive (each document write is atomic), and the changed run is read back. Where
/// the server updates measurement fields of a time series (7.1+, or time series off: <see cref="TimeSeriesUpdates"/>)
/// the change is one <c>updateMany</c> (time series refuse single-document updates and upserts; run_id is unique by
/// the check in <see cref="CreateAsync"/>, so "many" is at most one). MongoDB 7.0 only updates the metaField matched
/// on the metaField, and run_id, finished_at and info are measurement fields, so there the run is replaced: a delete
/// guarded on the status (deletes take any filter from 7.0), then the insert of the changed run. Not atomic: a
/// reader can miss the run between the two writes, and a crash between them loses it.
/// </summary>
internal sealed class MongoDetectionRunRepository(MongoContext context, MongoCapabilities capabilities, MongoSettings settings) : IDetectionRunRepository
{
    private static readonly double[] Percentiles = [0.50, 0.95, 0.99];

    private IMongoCollection<DetectionRun> Runs => context.DetectionRuns;

    /// <summary>
    /// Check, then insert: time-series collections cannot carry a unique index on run_id. Two concurrent creates of
    /// one new run_id can both pass the check; run ids are generated (never user-chosen), which keeps that theoretical.
    /// </summary>
    public async Task<Outcome<DetectionRun>> CreateAsync(DetectionRun run, CancellationToken cancellationToken = default)
    {
        if (await Runs.Find(DetectionRunFilters.RunIdTaken(run.Metadata.TenantId, run.RunId)).AnyAsync(cancellationToken))
            return Outcome.Duplicate<DetectionRun>("run_id");
        Normalize(run);
        await Runs.InsertOneAsync(run, cancellationToken: cancellationToken);
        return Outcome.Ok(run);
    }

    public async Task<DetectionRun?> GetAsync(string tenantId, string runId, CancellationToken cancellationToken = default)
        => await Runs.Find(DetectionRunFilters.ById(tenantId, runId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<DetectionRun>> ListAsync(string tenantId, DetectionRunQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Runs, DetectionRunFilters.List(tenantId, query), DetectionRunFilters.ListSort, page, cancellationToken);

    /// <summary>queued → running, or running → running with new info; a finished run, or a step back to queued, is <c>InvalidState</c>.</summary>
    public async Task<Outcome<DetectionRun>> UpdateStatusAsync(
        string tenantId, string runId, DetectionRunStatus status, DetectionRunInfo? info, CancellationToken cancellationToken = default)
    {
        var allowedFrom = DetectionRunTransitions.StatusUpdateFrom(status);
        if (allowedFrom.Count == 0)
            return Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.NotAStatusUpdate(status));

        return await TransitionAsync(tenantId, runId, allowedFrom, DetectionRunFilters.SetStatus(status, info),
            run =>
            {
                run.Metadata.Status = status;
                if (info is not null) run.Info = info;
            },
            status, current: null, cancellationToken);
    }

    public async Task<Outcome<DetectionRun>> CompleteAsync(
        string tenantId, string runId, DetectionRunStatus finalStatus, DateTime finishedAt, DetectionRunInfo info,
        CancellationToken cancellationToken = default)
    {
        var allowedFrom = DetectionRunTransitions.CompletionFrom(finalStatus);
        if (allowedFrom.Count == 0)
            return Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.NotACompletion(finalStatus));

        var current = await GetAsync(tenantId, runId, cancellationToken);
        if (current is null) return Outcome.NotFound<DetectionRun>();
        if (!allowedFrom.Contains(current.Metadata.Status)) return Refused(current, finalStatus);

        var finished = UtcTime.Normalize(finishedAt);
        var durationMs = Math.Max(0L, (long)(finished - current.StartedAt).TotalMilliseconds);
        return await TransitionAsync(tenantId, runId, allowedFrom,
            DetectionRunFilters.Complete(finalStatus, finished, durationMs, info),
            run =>
            {
                run.Metadata.Status = finalStatus;
                run.FinishedAt = finished;
                run.DurationMs = durationMs;
                run.Info = info;
            },
            finalStatus, current, cancellationToken);
    }

    /// <summary>
    /// Counts per status, then exact nearest-rank percentiles (PostgreSQL <c>percentile_disc</c>): the value of rank
    /// ⌈p·n⌉ in ascending duration order, read with skip/limit, so nothing but one duration per percentile leaves the server.
    /// </summary>
    public async Task<DetectionRunStats> GetStatsAsync(string tenantId, DetectionRunQuery query, CancellationToken cancellationToken = default)
    {
        var byStatus = (await (await Runs.AggregateAsync(DetectionRunFilters.CountByStatus(tenantId, query), cancellationToken: cancellationToken))
                .ToListAsync(cancellationToken))
            .ToDictionary(c => c.Status, c => c.Count);
        var summary = await (await Runs.AggregateAsync(DetectionRunFilters.DurationSummary(tenantId, query), cancellationToken: cancellationToken))
            .FirstOrDefaultAsync(cancellationToken);

        var percentiles = new long?[Percentiles.Length];
        if (summary is { Count: > 0 } withDurations)
        {
            for (var i = 0; i < Percentiles.Length; i++)
            {
                var rank = Math.Max(1L, (long)Math.Ceiling(Percentiles[i] * withDurations.Count));
                percentiles[i] = await Runs.Find(DetectionRunFilters.WithDuration(tenantId, query))
                    .Sort(DetectionRunFilters.DurationOrder)
                    .Skip((int)(rank - 1))
                    .Limit(1)
                    .Project(DetectionRunFilters.Duration)
                    .FirstAsync(cancellationToken);
            }
        }
        return new DetectionRunStats(byStatus.Values.Sum(), byStatus, percentiles[0], percentiles[1], percentiles[2], summary?.Average);
    }

    public TenantKey KeyOf(DetectionRun document) => new(document.Metadata.TenantId, document.RunId);

    public IAsyncEnumerable<DetectionRun> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.ExportAsync(Runs, r => r.Metadata.TenantId, r => r.RunId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Runs, cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<DetectionRun> documents, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.DeleteThenInsertAsync(Runs, documents, r => r.Metadata.TenantId, r => r.RunId, cancellationToken);

    private bool UpdatesInPlace => TimeSeriesUpdates.InPlace(capabilities, settings);

    /// <summary>
    /// Moves the run from one of <paramref name="allowedFrom"/>: <paramref name="update"/> in place, or (MongoDB 7.0
    /// time series) <paramref name="apply"/> to a copy of <paramref name="current"/> (read when not given) that
    /// replaces the stored run through a delete guarded on the status read, re-read and retried a few times when
    /// another transition won. A lost guard is read back as InvalidState or NotFound.
    /// </summary>
    private async Task<Outcome<DetectionRun>> TransitionAsync(
        string tenantId, string runId, IReadOnlyList<DetectionRunStatus> allowedFrom, UpdateDefinition<DetectionRun> update,
        Action<DetectionRun> apply, DetectionRunStatus target, DetectionRun? current, CancellationToken cancellationToken)
    {
        if (UpdatesInPlace)
        {
            var result = await Runs.UpdateManyAsync(DetectionRunFilters.InStatus(tenantId, runId, allowedFrom), update, cancellationToken: cancellationToken);
            return await ReadBackAsync(tenantId, runId, result.MatchedCount > 0, target, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            current ??= await GetAsync(tenantId, runId, cancellationToken);
            if (current is null) return Outcome.NotFound<DetectionRun>();
            if (!allowedFrom.Contains(current.Metadata.Status)) return Refused(current, target);
            var replacement = Copy(current);
            apply(replacement);
            // Guarded on the status just read, so a transition that slipped in is not overwritten with a stale copy.
            var deleted = await Runs.DeleteManyAsync(DetectionRunFilters.InStatus(tenantId, runId, [current.Metadata.Status]), cancellationToken);
            if (deleted.DeletedCount > 0)
            {
                await Runs.InsertOneAsync(replacement, cancellationToken: cancellationToken);
                return Outcome.Ok(Copy(replacement));
            }
            if (attempt == MaxReplaceAttempts) return await ReadBackAsync(tenantId, runId, changed: false, target, cancellationToken);
            current = null; // changed (or being replaced) meanwhile: read it again
        }
    }

    private const int MaxReplaceAttempts = 3;

    private async Task<Outcome<DetectionRun>> ReadBackAsync(string tenantId, string runId, bool changed, DetectionRunStatus target, CancellationToken cancellationToken)
    {
        var current = await GetAsync(tenantId, runId, cancellationToken);
        if (current is null) return Outcome.NotFound<DetectionRun>();
        return changed ? Outcome.Ok(current) : Refused(current, target);
    }

    private static Outcome<DetectionRun> Refused(DetectionRun current, DetectionRunStatus target)
        => Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.Refusal(current.RunId, current.Metadata.Status, target));

    /// <summary>A deep copy through BSON with the collection's class maps: what reading the stored document back gives.</summary>
    private static DetectionRun Copy(DetectionRun run) => BsonSerializer.Deserialize<DetectionRun>(run.ToBsonDocument());

    private static void Normalize(DetectionRun run)
    {
        run.StartedAt = UtcTime.Normalize(run.StartedAt);
        run.FinishedAt = UtcTime.Normalize(run.FinishedAt);
        run.Window.From = UtcTime.Normalize(run.Window.From);
        run.Window.To = UtcTime.Normalize(run.Window.To);
    }
}
