namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The queries of <see cref="MongoDetectionRunRepository"/>. Runs keep the earlier system's shape (its time series had
/// the metaField <c>metadata</c>), so the tenant is <c>metadata.tenant_id</c> in the regular collection too.
/// </summary>
public static class DetectionRunFilters
{
    private static FilterDefinitionBuilder<DetectionRun> Filter => Builders<DetectionRun>.Filter;
    private static UpdateDefinitionBuilder<DetectionRun> Update => Builders<DetectionRun>.Update;

    /// <summary>The statuses a run can still leave; success and failed are final.</summary>
    public static IReadOnlyList<DetectionRunStatus> Unfinished { get; } = [DetectionRunStatus.Queued, DetectionRunStatus.Running];

    public static FilterDefinition<DetectionRun> ById(string tenantId, string runId)
        => Filter.Eq(r => r.Metadata.TenantId, tenantId) & Filter.Eq(r => r.RunId, runId);

    /// <summary>
    /// A run with this id in any tenant: run_id is unique across tenants today, which the unique
    /// (metadata.tenant_id, run_id) index alone does not say, and a legacy time series has no unique index at all.
    /// </summary>
    public static FilterDefinition<DetectionRun> RunIdTaken(string tenantId, string runId) => ById(tenantId, runId);

    /// <summary>The run, only while its status is one of <paramref name="from"/>: the guard of every status change.</summary>
    public static FilterDefinition<DetectionRun> InStatus(string tenantId, string runId, IEnumerable<DetectionRunStatus> from)
        => ById(tenantId, runId) & Filter.In(r => r.Metadata.Status, from);

    public static FilterDefinition<DetectionRun> List(string tenantId, DetectionRunQuery query)
    {
        var filter = Filter.Eq(r => r.Metadata.TenantId, tenantId);
        if (query.DetectorId is not null) filter &= Filter.Eq(r => r.Metadata.DetectorId, query.DetectorId);
        if (query.Status is { } status) filter &= Filter.Eq(r => r.Metadata.Status, status);
        if (query.From is { } from) filter &= Filter.Gte(r => r.StartedAt, from);
        if (query.To is { } to) filter &= Filter.Lt(r => r.StartedAt, to);
        return filter;
    }

    /// <summary>Newest started_at first, then run_id.</summary>
    public static SortDefinition<DetectionRun> ListSort { get; } =
        Builders<DetectionRun>.Sort.Descending(r => r.StartedAt).Ascending(r => r.RunId);

    public static UpdateDefinition<DetectionRun> SetStatus(DetectionRunStatus status, DetectionRunInfo? info)
    {
        var update = Update.Set(r => r.Metadata.Status, status);
        return info is null ? update : update.Set(r => r.Info, info);
    }

    public static UpdateDefinition<DetectionRun> Complete(DetectionRunStatus finalStatus, DateTime finishedAt, long durationMs, DetectionRunInfo info)
        => Update
            .Set(r => r.Metadata.Status, finalStatus)
            .Set(r => r.FinishedAt, finishedAt)
            .Set(r => r.DurationMs, durationMs)
            .Set(r => r.Info, info);

    /// <summary>Runs per status among those the query matches.</summary>
    public static PipelineDefinition<DetectionRun, StatusCount<DetectionRunStatus>> CountByStatus(string tenantId, DetectionRunQuery query)
        => new EmptyPipelineDefinition<DetectionRun>()
            .Match(List(tenantId, query))
            .Group(r => r.Metadata.Status, g => new StatusCount<DetectionRunStatus> { Status = g.Key, Count = g.LongCount() });

    /// <summary>The runs the query matches that have a duration (null and missing left out), as percentiles are.</summary>
    public static FilterDefinition<DetectionRun> WithDuration(string tenantId, DetectionRunQuery query)
        => List(tenantId, query) & Filter.Ne(r => r.DurationMs, null);

    /// <summary>How many of those runs there are and their mean duration.</summary>
    public static PipelineDefinition<DetectionRun, DurationSummary> DurationSummary(string tenantId, DetectionRunQuery query)
        => new EmptyPipelineDefinition<DetectionRun>()
            .Match(WithDuration(tenantId, query))
            .Group(r => (string?)null, g => new DurationSummary { Count = g.LongCount(), Average = g.Average(r => r.DurationMs) });

    /// <summary>Shortest duration first; the n-th document of this order is the n-th smallest duration.</summary>
    public static SortDefinition<DetectionRun> DurationOrder { get; } =
        Builders<DetectionRun>.Sort.Ascending(r => r.DurationMs).Ascending(r => r.RunId);

    public static ProjectionDefinition<DetectionRun, long?> Duration { get; } =
        Builders<DetectionRun>.Projection.Expression(r => r.DurationMs);
}

/// <summary>One row of a count-per-status pipeline.</summary>
public sealed class StatusCount<TStatus>
{
    public TStatus Status { get; set; } = default!;
    public long Count { get; set; }
}

/// <summary>The row of <see cref="DetectionRunFilters.DurationSummary"/>.</summary>
public sealed class DurationSummary
{
    public long Count { get; set; }
    public double? Average { get; set; }
}
