using Microsoft.EntityFrameworkCore;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Detection runs in <c>detection_runs</c> (metadata flattened into columns). run_id is the primary key, so its
/// uniqueness across tenants is enforced by the table.
/// </summary>
internal sealed class PostgresDetectionRunRepository(OlorinDbContext db) : IDetectionRunRepository
{
    public async Task<Outcome<DetectionRun>> CreateAsync(DetectionRun run, CancellationToken cancellationToken = default)
    {
        run.StartedAt = UtcTime.Normalize(run.StartedAt);
        run.FinishedAt = UtcTime.Normalize(run.FinishedAt);
        run.Window.From = UtcTime.Normalize(run.Window.From);
        run.Window.To = UtcTime.Normalize(run.Window.To);
        db.DetectionRuns.Add(run);
        return await db.SaveInsertAsync(run, "run_id", cancellationToken);
    }

    public Task<DetectionRun?> GetAsync(string tenantId, string runId, CancellationToken cancellationToken = default)
        => Scoped(tenantId, runId).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    public async Task<PagedResult<DetectionRun>> ListAsync(string tenantId, DetectionRunQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var matching = Matching(tenantId, query);
        return await matching.ToPageAsync(q => q.OrderByDescending(x => x.StartedAt).ThenBy(x => x.RunId), page, cancellationToken);
    }

    public Task<Outcome<DetectionRun>> UpdateStatusAsync(
        string tenantId, string runId, DetectionRunStatus status, DetectionRunInfo? info, CancellationToken cancellationToken = default)
        => ChangeAsync(tenantId, runId, run =>
        {
            if (IsFinished(run.Metadata.Status))
                return $"run is already {WireEnum.ToWire(run.Metadata.Status)}";
            if (status is not (DetectionRunStatus.Queued or DetectionRunStatus.Running))
                return $"a run is finished with CompleteAsync, not moved to {WireEnum.ToWire(status)}";
            if (status == DetectionRunStatus.Queued && run.Metadata.Status == DetectionRunStatus.Running)
                return "a running run cannot go back to queued";
            run.Metadata.Status = status;
            if (info is not null) run.Info = info;
            return null;
        }, cancellationToken);

    public Task<Outcome<DetectionRun>> CompleteAsync(
        string tenantId, string runId, DetectionRunStatus finalStatus, DateTime finishedAt, DetectionRunInfo info,
        CancellationToken cancellationToken = default)
        => ChangeAsync(tenantId, runId, run =>
        {
            if (!IsFinished(finalStatus))
                return $"a run completes with success or failed, not {WireEnum.ToWire(finalStatus)}";
            if (IsFinished(run.Metadata.Status))
                return $"run is already {WireEnum.ToWire(run.Metadata.Status)}";
            var finished = UtcTime.Normalize(finishedAt);
            run.Metadata.Status = finalStatus;
            run.FinishedAt = finished;
            run.DurationMs = Math.Max(0L, (long)(finished - run.StartedAt).TotalMilliseconds);
            run.Info = info;
            return null;
        }, cancellationToken);

    public async Task<DetectionRunStats> GetStatsAsync(string tenantId, DetectionRunQuery query, CancellationToken cancellationToken = default)
    {
        var counts = await Matching(tenantId, query)
            .GroupBy(x => x.Metadata.Status)
            .Select(g => new { Status = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        var durations = await DetectionRunDurationSql.QueryAsync(db, tenantId, query, cancellationToken);
        return new DetectionRunStats(
            counts.Sum(c => c.Count),
            counts.ToDictionary(c => c.Status, c => c.Count),
            durations.P50, durations.P95, durations.P99, durations.Avg);
    }

    public string KeyOf(DetectionRun document) => document.RunId;

    public IAsyncEnumerable<DetectionRun> ExportAsync(string? after = null, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(db, (DetectionRun x) => x.RunId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => db.DetectionRuns.LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<DetectionRun> documents, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.UpsertAsync(db, documents, x => x.RunId, cancellationToken);

    private static bool IsFinished(DetectionRunStatus status) => status is DetectionRunStatus.Success or DetectionRunStatus.Failed;

    /// <summary>Loads the run, lets <paramref name="change"/> apply itself or name why it may not, and saves.</summary>
    private async Task<Outcome<DetectionRun>> ChangeAsync(
        string tenantId, string runId, Func<DetectionRun, string?> change, CancellationToken cancellationToken)
    {
        try
        {
            var run = await Scoped(tenantId, runId).FirstOrDefaultAsync(cancellationToken);
            if (run is null) return Outcome.NotFound<DetectionRun>();
            if (change(run) is { } reason) return Outcome.InvalidState<DetectionRun>(reason);
            await db.SaveChangesAsync(cancellationToken);
            return Outcome.Ok(run);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.NotFound<DetectionRun>(); // deleted between the read and the write
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private IQueryable<DetectionRun> Matching(string tenantId, DetectionRunQuery query)
    {
        var matching = db.DetectionRuns.AsNoTracking().Where(x => x.Metadata.TenantId == tenantId);
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
        => db.DetectionRuns.Where(x => x.Metadata.TenantId == tenantId && x.RunId == runId);
}
