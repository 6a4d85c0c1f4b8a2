using System.Text.Json;
using Olorin.Persistence.Postgres.Counting;
using Olorin.Core.Transitions;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Detection runs in <c>detection_runs</c> (metadata flattened into columns). run_id is the primary key, so its
/// uniqueness across tenants is enforced by the table.
/// </summary>
internal sealed class PostgresDetectionRunRepository(OlorinDbContext db) : PostgresTenantTransfer<DetectionRun>(db, x => x.Metadata.TenantId, x => x.RunId), IDetectionRunRepository
{
    public async Task<Outcome<DetectionRun>> CreateAsync(DetectionRun run, CancellationToken cancellationToken = default)
    {
        run.StartedAt = UtcTime.Normalize(run.StartedAt);
        run.FinishedAt = UtcTime.Normalize(run.FinishedAt);
        run.Window.From = UtcTime.Normalize(run.Window.From);
        run.Window.To = UtcTime.Normalize(run.Window.To);
        Db.DetectionRuns.Add(run);
        return await Db.SaveInsertAsync(run, "run_id", cancellationToken);
    }

    public Task<DetectionRun?> GetAsync(string tenantId, string runId, CancellationToken cancellationToken = default)
        => Scoped(tenantId, runId).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    public async Task<PagedResult<DetectionRun>> ListAsync(string tenantId, DetectionRunQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var matching = Matching(tenantId, query);
        // The total from row_counts unless the time range (or both detector and status) filters.
        var counted = query.From is null && query.To is null
            ? RowCountKey.ForFilter("detection_runs", tenantId, [
                ("detector_id", query.DetectorId), ("status", query.Status is { } s ? WireEnum.ToWire(s) : null)])
            : null;
        return await matching.ToPageAsync(q => q.OrderByDescending(x => x.StartedAt).ThenBy(x => x.RunId), page, Db, counted, cancellationToken);
    }

    public async Task<Outcome<DetectionRun>> UpdateStatusAsync(
        string tenantId, string runId, DetectionRunStatus status, DetectionRunInfo? info, CancellationToken cancellationToken = default)
    {
        var allowedFrom = DetectionRunTransitions.StatusUpdateFrom(status);
        if (allowedFrom.Count == 0) return Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.NotAStatusUpdate(status));
        var target = WireEnum.ToWire(status);
        var infoJson = info is null ? null : JsonSerializer.Serialize(info, OlorinJson.Options);
        var updated = await Db.Database.ExecuteSqlAsync($"""
            UPDATE detection_runs
            SET status = {target}, info = COALESCE({infoJson}::jsonb, info)
            WHERE tenant_id = {tenantId} AND run_id = {runId} AND status = ANY({Wire(allowedFrom)})
            """, cancellationToken);
        return await ReadBackAsync(tenantId, runId, updated > 0, status, cancellationToken);
    }

    public async Task<Outcome<DetectionRun>> CompleteAsync(
        string tenantId, string runId, DetectionRunStatus finalStatus, DateTime finishedAt, DetectionRunInfo info,
        CancellationToken cancellationToken = default)
    {
        var allowedFrom = DetectionRunTransitions.CompletionFrom(finalStatus);
        if (allowedFrom.Count == 0) return Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.NotACompletion(finalStatus));
        var target = WireEnum.ToWire(finalStatus);
        var finished = UtcTime.Normalize(finishedAt);
        var infoJson = JsonSerializer.Serialize(info, OlorinJson.Options);
        var updated = await Db.Database.ExecuteSqlAsync($"""
            UPDATE detection_runs
            SET status = {target},
                finished_at = {finished},
                duration_ms = GREATEST(0, trunc(EXTRACT(EPOCH FROM ({finished} - started_at)) * 1000))::bigint,
                info = {infoJson}::jsonb
            WHERE tenant_id = {tenantId} AND run_id = {runId} AND status = ANY({Wire(allowedFrom)})
            """, cancellationToken);
        return await ReadBackAsync(tenantId, runId, updated > 0, finalStatus, cancellationToken);
    }

    public async Task<DetectionRunStats> GetStatsAsync(string tenantId, DetectionRunQuery query, CancellationToken cancellationToken = default)
    {
        var counts = await Matching(tenantId, query)
            .GroupBy(x => x.Metadata.Status)
            .Select(g => new { Status = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        var durations = await DetectionRunDurationSql.QueryAsync(Db, tenantId, query, cancellationToken);
        return new DetectionRunStats(
            counts.Sum(c => c.Count),
            counts.ToDictionary(c => c.Status, c => c.Count),
            durations.P50, durations.P95, durations.P99, durations.Avg);
    }

    private static string[] Wire(IReadOnlyList<DetectionRunStatus> statuses) => statuses.Select(WireEnum.ToWire).ToArray();

    /// <summary>After one UPDATE guarded on the allowed-from statuses: the run, or why it was not changed.</summary>
    private async Task<Outcome<DetectionRun>> ReadBackAsync(
        string tenantId, string runId, bool changed, DetectionRunStatus target, CancellationToken cancellationToken)
    {
        var run = await GetAsync(tenantId, runId, cancellationToken);
        if (run is null) return Outcome.NotFound<DetectionRun>();
        return changed ? Outcome.Ok(run) : Outcome.InvalidState<DetectionRun>(DetectionRunTransitions.Refusal(runId, run.Metadata.Status, target));
    }

    private IQueryable<DetectionRun> Matching(string tenantId, DetectionRunQuery query)
    {
        var matching = Db.DetectionRuns.AsNoTracking().Where(x => x.Metadata.TenantId == tenantId);
        if (query.DetectorId is { } detectorId) matching = matching.Where(x => x.Metadata.DetectorId == detectorId);
        if (query.Status is { } status) matching = matching.Where(x => x.Metadata.Status == status);
        if (query.From is { } from)
        {
            var start = UtcTime.Normalize(from);
            matching = matching.Where(x => x.StartedAt >= start);
        }
        if (query.To is { } to)
        {
            var end = UtcTime.Normalize(to);
            matching = matching.Where(x => x.StartedAt < end);
        }
        return matching;
    }

    private IQueryable<DetectionRun> Scoped(string tenantId, string runId)
        => Db.DetectionRuns.Where(x => x.Metadata.TenantId == tenantId && x.RunId == runId);
}
