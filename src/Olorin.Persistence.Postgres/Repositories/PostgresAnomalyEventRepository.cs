using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Transitions;
using Olorin.Persistence.Postgres.Configurations;
using Olorin.Persistence.Postgres.Counting;
using Olorin.Persistence.Postgres.Similarity;
using Pgvector;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>Anomalies in <c>anomaly_events</c>; embeddings in a <c>vector(384)</c> column with an HNSW cosine index.</summary>
internal sealed class PostgresAnomalyEventRepository(
    OlorinDbContext db, TimeProvider clock, IOptions<PostgresVectorSearchOptions> vectorSearch, ExactVectorIndex exactIndex,
    VectorSearchConnections searchConnections) : IAnomalyEventRepository
{
    public async Task<Outcome<AnomalyEvent>> CreateAsync(AnomalyEvent anomaly, CancellationToken cancellationToken = default)
    {
        EnsureEmbeddingDimensions(anomaly.Embedding, nameof(anomaly), allowEmpty: true);
        anomaly.NormalizeForCreate(anomaly.TenantId, UtcTime.Now(clock));
        db.AnomalyEvents.Add(anomaly);
        return await db.SaveInsertAsync(anomaly, "anomaly_id", cancellationToken);
    }

    /// <summary>
    /// One multi-row <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING</c> (<see cref="PostgresBulkRows"/>):
    /// the whole batch commits or none of it. Rows go in id order, so two concurrent batches over overlapping ids
    /// take their locks in the same order and wait for each other instead of deadlocking.
    /// </summary>
    public async Task<int> InsertManyAsync(string tenantId, IReadOnlyCollection<AnomalyEvent> anomalies, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        foreach (var anomaly in anomalies)
        {
            EnsureEmbeddingDimensions(anomaly.Embedding, nameof(anomalies), allowEmpty: true);
            anomaly.NormalizeForCreate(tenantId, now);
        }
        var ordered = anomalies.OrderBy(a => a.AnomalyId, StringComparer.Ordinal).ToList();
        return await PostgresBulkRows.InsertNewAsync(db, ordered, cancellationToken);
    }

    public Task<AnomalyEvent?> GetAsync(string tenantId, string anomalyId, CancellationToken cancellationToken = default)
        => Scoped(tenantId, anomalyId).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    public async Task<PagedResult<AnomalyEvent>> ListAsync(string tenantId, AnomalyQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var matching = Matching(tenantId, query);
        // The total from row_counts when at most one of its counted filters is given and no score floor.
        var counted = query.MinScore is null
            ? RowCountKey.ForFilter("anomaly_events", tenantId,
            [
                ("status", query.Status is { } status ? WireEnum.ToWire(status) : null),
                ("severity", query.Severity is { } severity ? WireEnum.ToWire(severity) : null),
                ("detector_id", query.DetectorId), ("run_id", query.RunId), ("investigation_id", query.InvestigationId),
            ])
            : null;
        return await matching.ToPageAsync(q => q.OrderByDescending(x => x.Score).ThenBy(x => x.AnomalyId), page, db, counted, cancellationToken,
            query.IncludeEmbedding ? null : q => q.Select(AnomalyColumns.WithoutEmbedding));
    }

    public async Task<Outcome<AnomalyEvent>> UpdateStatusAsync(string tenantId, string anomalyId, AnomalyStatus status, CancellationToken cancellationToken = default)
    {
        var allowedFrom = AnomalyTransitions.AllowedFrom(status).ToList();
        var updated = await Scoped(tenantId, anomalyId)
            .Where(x => allowedFrom.Contains(x.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status), cancellationToken);
        var current = await GetAsync(tenantId, anomalyId, cancellationToken);
        if (current is null) return Outcome.NotFound<AnomalyEvent>();
        return updated > 0 ? Outcome.Ok(current) : Outcome.InvalidState<AnomalyEvent>(AnomalyTransitions.Refusal(anomalyId, current.Status, status));
    }

    public async Task<Outcome<AnomalyEvent>> LinkInvestigationAsync(string tenantId, string anomalyId, string? investigationId, CancellationToken cancellationToken = default)
    {
        var updated = await Scoped(tenantId, anomalyId).ExecuteUpdateAsync(s => s.SetProperty(x => x.InvestigationId, investigationId), cancellationToken);
        var current = updated > 0 ? await GetAsync(tenantId, anomalyId, cancellationToken) : null;
        return current is null ? Outcome.NotFound<AnomalyEvent>() : Outcome.Ok(current);
    }

    public async Task<bool> DeleteAsync(string tenantId, string anomalyId, CancellationToken cancellationToken = default)
        => await Scoped(tenantId, anomalyId).ExecuteDeleteAsync(cancellationToken) > 0;

    public async Task<IReadOnlyList<SimilarAnomaly>> SearchSimilarAsync(string tenantId, SimilarityQuery query, CancellationToken cancellationToken = default)
    {
        EnsureEmbeddingDimensions(query.Vector, nameof(query), allowEmpty: false);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.K, 1, nameof(query));

        // Exact ranking first: in the in-process index (every candidate's cosine over contiguous memory) it costs less
        // CPU at 100k than the HNSW walk does in PostgreSQL, and it is always right (docs/performance.md, "Similarity").
        // exact: true waits for the tenant's first load; the default path does not (it is answered as below meanwhile).
        // PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES = 0 keeps the default path on the HNSW index.
        var options = vectorSearch.Value;
        var neighbours = query.Exact || options.ExactSearchMaxCandidates > 0
            ? await exactIndex.NearestAsync(tenantId, query, waitForLoad: query.Exact, cancellationToken)
            : null;
        if (neighbours is null)
        {
            // Not held (index off, tenant too large or still loading): PostgreSQL ranks. HNSW recall falls with the
            // candidate count while an exact ranking costs time linear in it; so a query over few enough candidates
            // (or one that asks for it) is ranked exactly and only larger ones go through the index. The candidates
            // are estimated by the planner, not counted.
            // On the search pool's few long-lived backends, which keep the HNSW graph's pages mapped (VectorSearchConnections).
            await using var connection = await searchConnections.OpenAsync(cancellationToken);
            var path = query.Exact
                ? VectorSearchPath.Exact
                : VectorSearchPlanner.Choose(false, await AnomalySimilaritySql.EstimateCandidatesAsync(connection, tenantId, query, cancellationToken), options.ExactSearchMaxCandidates);
            neighbours = (await AnomalySimilaritySql.NearestAsync(connection, tenantId, query, path, Math.Max(options.EfSearch, query.K), cancellationToken))
                .Select(n => (n.AnomalyId, 1.0 - n.Distance)).ToList();
        }
        var similarity = neighbours.ToDictionary(n => n.AnomalyId, n => n.Similarity, StringComparer.Ordinal);
        var ids = similarity.Where(s => s.Value >= query.MinSimilarity).Select(s => s.Key).ToList();
        if (ids.Count == 0) return [];
        var anomalies = await db.AnomalyEvents.AsNoTracking()
            .Where(x => x.TenantId == tenantId && ids.Contains(x.AnomalyId))
            .ToListAsync(cancellationToken);

        return anomalies
            .Select(a => new SimilarAnomaly(a, similarity[a.AnomalyId]))
            .OrderByDescending(s => s.Similarity).ThenBy(s => s.Anomaly.AnomalyId, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<AnomalyEvent>> ListWithoutEmbeddingAsync(string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken = default)
    {
        var keys = await MissingEmbeddingSql.KeysAsync(db, "anomaly_events", "anomaly_id", tenantId, after, limit, cancellationToken);
        var found = new Dictionary<TenantKey, AnomalyEvent>();
        foreach (var tenant in keys.GroupBy(k => k.TenantId))
        {
            var ids = tenant.Select(k => k.Id).ToList();
            var rows = await db.AnomalyEvents.AsNoTracking()
                .Where(x => x.TenantId == tenant.Key && ids.Contains(x.AnomalyId)).ToListAsync(cancellationToken);
            foreach (var row in rows) found[new TenantKey(row.TenantId, row.AnomalyId)] = row;
        }
        return keys.Where(found.ContainsKey).Select(k => found[k]).ToList();
    }

    public async Task<bool> SetEmbeddingIfMissingAsync(string tenantId, string anomalyId, float[] embedding, CancellationToken cancellationToken = default)
    {
        EnsureEmbeddingDimensions(embedding, nameof(embedding), allowEmpty: false);
        var vector = new Vector(embedding);
        return await db.Database.ExecuteSqlAsync(
            $"UPDATE anomaly_events SET embedding = {vector} WHERE tenant_id = {tenantId} AND anomaly_id = {anomalyId} AND embedding IS NULL",
            cancellationToken) == 1;
    }

    public async Task<IReadOnlyDictionary<AnomalySeverity, long>> CountBySeverityAsync(string tenantId, AnomalyQuery query, CancellationToken cancellationToken = default)
    {
        var counts = await Matching(tenantId, query)
            .GroupBy(x => x.Severity)
            .Select(g => new { Severity = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Severity, c => c.Count);
    }

    public TenantKey KeyOf(AnomalyEvent document) => new(document.TenantId, document.AnomalyId);

    public IAsyncEnumerable<AnomalyEvent> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(db, (AnomalyEvent x) => x.TenantId, x => x.AnomalyId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => db.AnomalyEvents.LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<AnomalyEvent> documents, CancellationToken cancellationToken = default)
    {
        foreach (var document in documents) EnsureEmbeddingDimensions(document.Embedding, nameof(documents), allowEmpty: true);
        return PostgresBulkTransfer.UpsertAsync(db, documents, x => x.TenantId, x => x.AnomalyId, cancellationToken);
    }


    private static void EnsureEmbeddingDimensions(float[] vector, string parameterName, bool allowEmpty)
    {
        if (allowEmpty && vector.Length == 0) return;
        if (vector.Length != AnomalyEventConfiguration.EmbeddingDimensions)
            throw new ArgumentException(
                $"An embedding has {AnomalyEventConfiguration.EmbeddingDimensions} dimensions, not {vector.Length}.", parameterName);
    }

    /// <summary>Loads the anomaly, lets <paramref name="change"/> apply itself or name why it may not, and saves.</summary>
    private IQueryable<AnomalyEvent> Matching(string tenantId, AnomalyQuery query)
    {
        var matching = db.AnomalyEvents.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.RunId is { } runId) matching = matching.Where(x => x.RunId == runId);
        if (query.DetectorId is { } detectorId) matching = matching.Where(x => x.DetectorId == detectorId);
        if (query.InvestigationId is { } investigationId) matching = matching.Where(x => x.InvestigationId == investigationId);
        if (query.Severity is { } severity) matching = matching.Where(x => x.Severity == severity);
        if (query.Status is { } status) matching = matching.Where(x => x.Status == status);
        if (query.MinScore is { } minScore) matching = matching.Where(x => x.Score >= minScore);
        return matching;
    }

    private IQueryable<AnomalyEvent> Scoped(string tenantId, string anomalyId)
        => db.AnomalyEvents.Where(x => x.TenantId == tenantId && x.AnomalyId == anomalyId);
}
