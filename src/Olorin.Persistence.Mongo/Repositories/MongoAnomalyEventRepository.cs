using MongoDB.Driver;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

internal sealed class MongoAnomalyEventRepository(
    MongoContext context, MongoSearchAvailability search, MongoSettings settings, CapturedWrites capture, TimeProvider clock) : IAnomalyEventRepository
{
    private static readonly FindOneAndUpdateOptions<AnomalyEvent> ReturnAfter = new() { ReturnDocument = ReturnDocument.After };

    private IMongoCollection<AnomalyEvent> Anomalies => context.AnomalyEvents;

    public async Task<Outcome<AnomalyEvent>> CreateAsync(AnomalyEvent anomaly, CancellationToken cancellationToken = default)
    {
        EnsureDimensions(anomaly.Embedding, nameof(anomaly), allowEmpty: true);
        anomaly.NormalizeForCreate(anomaly.TenantId, UtcTime.Now(clock));
        return await capture.RunAsync(CaptureKeys.Anomaly(anomaly.TenantId, anomaly.AnomalyId),
            () => MongoErrors.InsertAsync(Anomalies, anomaly, "anomaly_id", cancellationToken), cancellationToken);
    }

    /// <summary>
    /// One unordered bulk insert: the unique index on (tenant_id, anomaly_id) rejects the ids already stored, every
    /// other anomaly is inserted, and the count of inserted ones is the answer. With ordered: false the server keeps
    /// going after a write error and reports every error at the end
    /// (https://www.mongodb.com/docs/manual/reference/method/db.collection.bulkWrite/#ordered-vs-unordered-operations);
    /// a duplicate key is error code 11000 (https://www.mongodb.com/docs/manual/core/index-unique/). Unlike the
    /// PostgreSQL statement this is not all-or-nothing against a server failure mid-batch; a retry of the same
    /// batch converges, because stored ids are skipped.
    /// </summary>
    public async Task<int> InsertManyAsync(string tenantId, IReadOnlyCollection<AnomalyEvent> anomalies, CancellationToken cancellationToken = default)
    {
        if (anomalies.Count == 0) return 0;
        var now = UtcTime.Now(clock);
        foreach (var anomaly in anomalies)
        {
            EnsureDimensions(anomaly.Embedding, nameof(anomalies), allowEmpty: true);
            anomaly.NormalizeForCreate(tenantId, now);
        }
        return await capture.RunAsync(CaptureKeys.Of(MongoCollectionNames.AnomalyEvents, anomalies, KeyOf), async () =>
        {
            try
            {
                var result = await Anomalies.BulkWriteAsync(AnomalyFilters.InsertEach(anomalies), AnomalyFilters.InsertIgnoringStored, cancellationToken);
                return (int)result.InsertedCount;
            }
            catch (MongoBulkWriteException<AnomalyEvent> e)
                when (e.WriteConcernError is null && e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey))
            {
                return (int)e.Result.InsertedCount;
            }
        }, cancellationToken);
    }

    public async Task<AnomalyEvent?> GetAsync(string tenantId, string anomalyId, CancellationToken cancellationToken = default)
        => await Anomalies.Find(AnomalyFilters.ById(tenantId, anomalyId)).FirstOrDefaultAsync(cancellationToken);

    public async Task<PagedResult<AnomalyEvent>> ListAsync(string tenantId, AnomalyQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var listed = await MongoPaging.FindPageAsync(Anomalies, AnomalyFilters.List(tenantId, query), AnomalyFilters.ListSort, page, cancellationToken,
            query.IncludeEmbedding ? null : AnomalyFilters.ListedWithoutEmbedding);
        if (query.IncludeEmbedding) return listed;
        foreach (var anomaly in listed.Items)
        {
            anomaly.EmbeddingStored = anomaly.Embedding.Length > 0;
            anomaly.Embedding = [];
        }
        return listed;
    }

    /// <summary>One update guarded on the statuses that may move to <paramref name="status"/>; a miss is read back to tell NotFound from InvalidState.</summary>
    public Task<Outcome<AnomalyEvent>> UpdateStatusAsync(string tenantId, string anomalyId, AnomalyStatus status, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Anomaly(tenantId, anomalyId), async () =>
    {
        var updated = await Anomalies.FindOneAndUpdateAsync(
            AnomalyFilters.CanMoveTo(tenantId, anomalyId, status), AnomalyFilters.SetStatus(status), ReturnAfter, cancellationToken);
        if (updated is not null) return Outcome.Ok(updated);
        var current = await GetAsync(tenantId, anomalyId, cancellationToken);
        return current is null
            ? Outcome.NotFound<AnomalyEvent>()
            : Outcome.InvalidState<AnomalyEvent>(AnomalyTransitions.Refusal(anomalyId, current.Status, status));
    }, cancellationToken);

    public Task<Outcome<AnomalyEvent>> LinkInvestigationAsync(string tenantId, string anomalyId, string? investigationId, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Anomaly(tenantId, anomalyId), async () =>
    {
        var updated = await Anomalies.FindOneAndUpdateAsync(
            AnomalyFilters.ById(tenantId, anomalyId), AnomalyFilters.LinkInvestigation(investigationId), ReturnAfter, cancellationToken);
        return updated is null ? Outcome.NotFound<AnomalyEvent>() : Outcome.Ok(updated);
    }, cancellationToken);

    public Task<bool> DeleteAsync(string tenantId, string anomalyId, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Anomaly(tenantId, anomalyId),
            async () => (await Anomalies.DeleteOneAsync(AnomalyFilters.ById(tenantId, anomalyId), cancellationToken)).DeletedCount == 1, cancellationToken);

    /// <summary>
    /// <c>$vectorSearch</c> when the vector index is enabled and usable now (exists, queryable, fitting definition:
    /// <see cref="MongoSearchAvailability"/>): approximate (ANN), or exact (ENN, <c>exact: true</c>) when the query asks
    /// for exact ranking; else the exact cosine pipeline.
    /// </summary>
    public async Task<IReadOnlyList<SimilarAnomaly>> SearchSimilarAsync(string tenantId, SimilarityQuery query, CancellationToken cancellationToken = default)
    {
        EnsureDimensions(query.Vector, nameof(query), allowEmpty: false);
        if (query.K <= 0 || query.Vector.All(x => x == 0)) return [];
        var pipeline = await search.VectorSearchUsableAsync(cancellationToken)
            ? AnomalyFilters.VectorSearch(tenantId, query, settings.VectorSearchIndex)
            : AnomalyFilters.ExactCosine(tenantId, query);
        var hits = await (await Anomalies.AggregateAsync(pipeline, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        return hits.Select(h => new SimilarAnomaly(h.Document, h.Score ?? 0)).ToList();
    }

    public async Task<IReadOnlyList<AnomalyEvent>> ListWithoutEmbeddingAsync(string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken = default)
        => await Anomalies.Find(EmbeddingFilters.AnomaliesWithout(tenantId, after)).Sort(EmbeddingFilters.AnomalyKeyOrder).Limit(limit)
            .ToListAsync(cancellationToken);

    public Task<bool> SetEmbeddingIfMissingAsync(string tenantId, string anomalyId, float[] embedding, CancellationToken cancellationToken = default)
    {
        EnsureDimensions(embedding, nameof(embedding), allowEmpty: false);
        return capture.RunAsync(CaptureKeys.Anomaly(tenantId, anomalyId), async () =>
        {
            var result = await Anomalies.UpdateOneAsync(
                EmbeddingFilters.AnomalyStillWithout(tenantId, anomalyId), EmbeddingFilters.SetEmbedding<AnomalyEvent>(a => a.Embedding, embedding),
                cancellationToken: cancellationToken);
            return result.ModifiedCount == 1;
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<AnomalySeverity, long>> CountBySeverityAsync(string tenantId, AnomalyQuery query, CancellationToken cancellationToken = default)
    {
        var counts = await (await Anomalies.AggregateAsync(AnomalyFilters.CountBySeverity(tenantId, query), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Status, c => c.Count);
    }

    public TenantKey KeyOf(AnomalyEvent document) => new(document.TenantId, document.AnomalyId);

    public IAsyncEnumerable<AnomalyEvent> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.ExportAsync(Anomalies, a => a.TenantId, a => a.AnomalyId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Anomalies, cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<AnomalyEvent> documents, CancellationToken cancellationToken = default)
    {
        foreach (var document in documents) EnsureDimensions(document.Embedding, nameof(documents), allowEmpty: true);
        return capture.RunAsync(CaptureKeys.Of(MongoCollectionNames.AnomalyEvents, documents, KeyOf),
            () => MongoBulkTransfer.UpsertAsync(Anomalies, documents, a => a.TenantId, a => a.AnomalyId, cancellationToken), cancellationToken);
    }


    /// <summary>Decision 1: every stored embedding and every query vector has the configured dimension (384); a stored one may be empty.</summary>
    private void EnsureDimensions(float[] vector, string parameterName, bool allowEmpty)
    {
        if (allowEmpty && vector.Length == 0) return;
        if (vector.Length != settings.EmbeddingDimension)
            throw new ArgumentException($"An embedding has {settings.EmbeddingDimension} dimensions, not {vector.Length}.", parameterName);
    }
}
