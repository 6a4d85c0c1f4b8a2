using MongoDB.Bson.Serialization;
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Detection runs in <c>detection_runs</c>. A status change is guarded on the current status, so concurrent
/// transitions are exclusive (each document write is atomic). In the regular collection bootstrap creates (Decision 2)
/// it is one <c>findOneAndUpdate</c>, and run_id is unique per tenant by the server's unique index. A time series left
/// by the earlier system is served too (<see cref="DetectionRunStorage"/>): MongoDB updates time-series documents only
/// on the metaField, so there the run is replaced by a delete guarded on the status read, then the insert of the changed
/// run; if anything fails after the delete was sent, the run is read back and re-inserted when missing (idempotent),
/// so a failure cannot lose it. A reader can still miss the run between the two writes there.
/// </summary>
internal sealed class MongoDetectionRunRepository(MongoContext context, MongoCapabilities capabilities, MongoSettings settings, CapturedWrites capture)
    : IDetectionRunRepository
{
    private static readonly double[] Percentiles = [0.50, 0.95, 0.99];

    private IMongoCollection<DetectionRun> Runs => context.DetectionRuns;

    /// <summary>
    /// Checks the id first (run ids are unique across tenants today), then inserts. In the regular collection the
    /// unique (metadata.tenant_id, run_id) index closes the race between check and insert; on a legacy time series
    /// (no unique indexes possible) the check is all there is.
    /// </summary>
    public Task<Outcome<DetectionRun>> CreateAsync(DetectionRun run, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.DetectionRun(run.Metadata.TenantId, run.RunId), async () =>
        {
            if (await Runs.Find(DetectionRunFilters.RunIdTaken(run.Metadata.TenantId, run.RunId)).AnyAsync(cancellationToken))
                return Outcome.Duplicate<DetectionRun>("run_id");
            Normalize(run);
            return await MongoErrors.InsertAsync(Runs, run, "run_id", cancellationToken);
        }, cancellationToken);

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

        return await capture.RunAsync(CaptureKeys.DetectionRun(tenantId, runId), () => TransitionAsync(tenantId, runId, allowedFrom, DetectionRunFilters.SetStatus(status, info),
            run =>
            {
                run.Metadata.Status = status;
                if (info is not null) run.Info = info;
            },
            status, current: null, cancellationToken), cancellationToken);
    }

    public async Task<Outcome<DetectionRun>> CompleteAsync(
        string tenantId, string runId, DetectionRunStatus finalStatus, DateTime finishedAt, DetectionRunInfo info,
        CancellationToken cancellationToken = default)
    {
        var allowedFrom = DetectionRunTransitions.CompletionFrom(finalStatus);
        if (allowedFrom.Count == 0)
            return Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.NotACompletion(finalStatus));
        return await capture.RunAsync(CaptureKeys.DetectionRun(tenantId, runId),
            () => CompleteUncapturedAsync(tenantId, runId, allowedFrom, finalStatus, finishedAt, info, cancellationToken), cancellationToken);
    }

    private async Task<Outcome<DetectionRun>> CompleteUncapturedAsync(
        string tenantId, string runId, IReadOnlyList<DetectionRunStatus> allowedFrom, DetectionRunStatus finalStatus, DateTime finishedAt,
        DetectionRunInfo info, CancellationToken cancellationToken)
    {
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
                    .FirstOrDefaultAsync(cancellationToken); // null if runs were deleted since the count
            }
        }
        return new DetectionRunStats(byStatus.Values.Sum(), byStatus, percentiles[0], percentiles[1], percentiles[2], summary?.Average);
    }

    public TenantKey KeyOf(DetectionRun document) => new(document.Metadata.TenantId, document.RunId);

    /// <summary>Keyset batches over the unique index; one sorted cursor on a legacy time series (see <see cref="MongoBulkTransfer"/>).</summary>
    public IAsyncEnumerable<DetectionRun> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => UpdatesInPlace
            ? MongoBulkTransfer.ExportAsync(Runs, r => r.Metadata.TenantId, r => r.RunId, after, cancellationToken)
            : MongoBulkTransfer.ExportInOneCursorAsync(Runs, r => r.Metadata.TenantId, r => r.RunId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Runs, cancellationToken);

    /// <summary>Upserting replaces on the regular collection (unique key); delete + insert on a legacy time series, which takes no upsert.</summary>
    public Task<int> BulkUpsertAsync(IReadOnlyCollection<DetectionRun> documents, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Of(MongoCollectionNames.DetectionRuns, documents, KeyOf), () => UpdatesInPlace
            ? MongoBulkTransfer.UpsertAsync(Runs, documents, r => r.Metadata.TenantId, r => r.RunId, cancellationToken)
            : MongoBulkTransfer.DeleteThenInsertAsync(Runs, documents, r => r.Metadata.TenantId, r => r.RunId, cancellationToken), cancellationToken);

    private bool UpdatesInPlace => DetectionRunStorage.UpdatesInPlace(capabilities, settings);

    /// <summary>
    /// Moves the run from one of <paramref name="allowedFrom"/>: <paramref name="update"/> in place (regular
    /// collection), or (legacy time series) <paramref name="apply"/> to a copy of <paramref name="current"/> (read
    /// when not given) that replaces the stored run (<see cref="ReplaceAsync"/>), re-read and retried a few times when
    /// another transition won. A lost guard is read back as InvalidState or NotFound.
    /// </summary>
    private async Task<Outcome<DetectionRun>> TransitionAsync(
        string tenantId, string runId, IReadOnlyList<DetectionRunStatus> allowedFrom, UpdateDefinition<DetectionRun> update,
        Action<DetectionRun> apply, DetectionRunStatus target, DetectionRun? current, CancellationToken cancellationToken)
    {
        if (UpdatesInPlace)
        {
            var updated = await Runs.FindOneAndUpdateAsync(DetectionRunFilters.InStatus(tenantId, runId, allowedFrom), update,
                new FindOneAndUpdateOptions<DetectionRun> { ReturnDocument = ReturnDocument.After }, cancellationToken);
            return updated is not null ? Outcome.Ok(updated) : await ReadBackAsync(tenantId, runId, changed: false, target, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            current ??= await GetAsync(tenantId, runId, cancellationToken);
            if (current is null) return Outcome.NotFound<DetectionRun>();
            if (!allowedFrom.Contains(current.Metadata.Status)) return Refused(current, target);
            var replacement = Copy(current);
            apply(replacement);
            if (await ReplaceAsync(current, replacement, cancellationToken)) return Outcome.Ok(Copy(replacement));
            if (attempt == MaxReplaceAttempts) return await ReadBackAsync(tenantId, runId, changed: false, target, cancellationToken);
            current = null; // changed (or being replaced) meanwhile: read it again
        }
    }

    private const int MaxReplaceAttempts = 3;

    /// <summary>
    /// Replaces <paramref name="current"/> in a time series: a delete guarded on the status just read (so a transition
    /// that slipped in is not overwritten with a stale copy; deletes take any filter from 7.0,
    /// https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#deletes), then the insert. False
    /// when the guard matched nothing. Time-series writes cannot join a transaction, so the two writes are settled
    /// step by step as <see cref="TimeSeriesReplace"/> decides: after any failure the run is read back before anything
    /// is written again, and the replacement is inserted until a read shows it stands — never twice. Only the first
    /// delete is cancellable: once a write may have run, a cancelled request must not leave the run deleted. If the
    /// server stays unreachable through every step, the error says the run may be missing and carries its new state.
    /// </summary>
    private async Task<bool> ReplaceAsync(DetectionRun current, DetectionRun replacement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // nothing sent yet; from here on the transition is settled, not abandoned
        var guard = DetectionRunFilters.InStatus(current.Metadata.TenantId, current.RunId, [current.Metadata.Status]);
        var next = TimeSeriesReplace.Next.Delete;
        var inserting = false;
        Exception? failure = null;
        for (var step = 0; step < MaxSettleSteps; step++)
        {
            switch (next)
            {
                case TimeSeriesReplace.Next.Delete:
                    try
                    {
                        // deleteOne: a retryable write (the driver retries it once with the same transaction number),
                        // unlike deleteMany; the guard matches one run.
                        var deleted = await Runs.DeleteOneAsync(guard, failure is null ? cancellationToken : CancellationToken.None);
                        next = TimeSeriesReplace.AfterDelete(deleted.DeletedCount, earlierAttemptFailed: failure is not null);
                    }
                    catch (Exception e)
                    {
                        failure = e;
                        next = TimeSeriesReplace.AfterFailedDelete();
                    }
                    break;
                case TimeSeriesReplace.Next.Insert:
                    inserting = true;
                    try
                    {
                        await Runs.InsertOneAsync(replacement, cancellationToken: CancellationToken.None);
                        return true;
                    }
                    catch (Exception e)
                    {
                        failure = e;
                        next = TimeSeriesReplace.AfterFailedInsert();
                    }
                    break;
                case TimeSeriesReplace.Next.Read:
                    next = TimeSeriesReplace.AfterRead(await SeeAsync(current, step), inserting);
                    break;
                case TimeSeriesReplace.Next.Done:
                    return true;
                case TimeSeriesReplace.Next.NotReplaced:
                    return false;
            }
        }
        return next switch
        {
            TimeSeriesReplace.Next.Done => true,
            TimeSeriesReplace.Next.NotReplaced => false,
            _ => throw Unsettled(replacement, inserting ? "whether the replacement was inserted" : "whether the delete ran", failure),
        };
    }

    /// <summary>How many steps (writes and reads) settling may take before it gives up, naming what is unknown.</summary>
    private const int MaxSettleSteps = 12;

    /// <summary>The run as stored now (by tenant and run_id), compared with the status read before the delete. Waits a little before a retried read.</summary>
    private async Task<TimeSeriesReplace.Seen> SeeAsync(DetectionRun current, int step)
    {
        if (step > 1) await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(step, 8)), CancellationToken.None);
        try
        {
            var stored = await Runs.Find(DetectionRunFilters.ById(current.Metadata.TenantId, current.RunId))
                .Project(r => r.Metadata.Status).Limit(1).ToListAsync(CancellationToken.None);
            return stored.Count == 0 ? TimeSeriesReplace.Seen.Missing
                : stored[0] == current.Metadata.Status ? TimeSeriesReplace.Seen.AsRead
                : TimeSeriesReplace.Seen.Changed;
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            return TimeSeriesReplace.Seen.Unknown;
        }
    }

    private static InvalidOperationException Unsettled(DetectionRun replacement, string unknown, Exception? cause)
        => new($"Detection run {replacement.RunId} (tenant {replacement.Metadata.TenantId}) could not be settled: MongoDB did not answer {unknown}; " +
               $"the run may be missing. Its new state: {replacement.ToJson()}", cause);

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
