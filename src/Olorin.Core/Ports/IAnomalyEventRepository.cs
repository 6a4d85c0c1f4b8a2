namespace Olorin.Core.Ports;

public interface IAnomalyEventRepository : IBulkTransferPort<AnomalyEvent, TenantKey>
{
    /// <summary>created_at = now unless set. Duplicate id → <c>Duplicate("anomaly_id")</c>.</summary>
    Task<Outcome<AnomalyEvent>> CreateAsync(AnomalyEvent anomaly, CancellationToken cancellationToken = default);

    Task<AnomalyEvent?> GetAsync(string tenantId, string anomalyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts, all at once, the anomalies whose anomaly_id the tenant has not stored yet; a stored one is left as it
    /// is, so repeating a call changes nothing. Every anomaly is stamped with <paramref name="tenantId"/>; created_at
    /// = now unless set. Ids must not repeat within the call. Returns how many were inserted.
    /// </summary>
    Task<int> InsertManyAsync(string tenantId, IReadOnlyCollection<AnomalyEvent> anomalies, CancellationToken cancellationToken = default);

    /// <summary>Highest score first (then anomaly_id).</summary>
    Task<PagedResult<AnomalyEvent>> ListAsync(string tenantId, AnomalyQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Status only moves forward (new → triaged → closed, or new → closed); otherwise <c>InvalidState</c>.</summary>
    Task<Outcome<AnomalyEvent>> UpdateStatusAsync(string tenantId, string anomalyId, AnomalyStatus status, CancellationToken cancellationToken = default);

    /// <summary>Sets (or with null clears) investigation_id.</summary>
    Task<Outcome<AnomalyEvent>> LinkInvestigationAsync(string tenantId, string anomalyId, string? investigationId, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string tenantId, string anomalyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The <c>K</c> anomalies of the tenant with an embedding most similar (cosine) to the vector, with
    /// similarity ≥ <c>MinSimilarity</c>, most similar first. Approximate where the backend uses an ANN index.
    /// </summary>
    Task<IReadOnlyList<SimilarAnomaly>> SearchSimilarAsync(string tenantId, SimilarityQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Anomalies without an embedding, of one tenant (or of every tenant when <paramref name="tenantId"/> is null),
    /// ordered by (tenant_id, anomaly_id) and starting after <paramref name="after"/>: what the embedding worker and
    /// the backfill fill in, resumably.
    /// </summary>
    Task<IReadOnlyList<AnomalyEvent>> ListWithoutEmbeddingAsync(string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="embedding"/> only while the anomaly has none, so a client's vector (or an earlier
    /// write) is never replaced. True when it was written.
    /// </summary>
    Task<bool> SetEmbeddingIfMissingAsync(string tenantId, string anomalyId, float[] embedding, CancellationToken cancellationToken = default);

    /// <summary>Counts per severity among anomalies matching the query.</summary>
    Task<IReadOnlyDictionary<AnomalySeverity, long>> CountBySeverityAsync(string tenantId, AnomalyQuery query, CancellationToken cancellationToken = default);
}

/// <param name="IncludeEmbedding">
/// Whether a list reads each anomaly's embedding (384 numbers, most of a row's bytes); without it the anomalies come
/// with an empty <see cref="AnomalyEvent.Embedding"/> and <see cref="AnomalyEvent.HasEmbedding"/> still says whether one
/// is stored. Not a filter: counts ignore it.
/// </param>
public sealed record AnomalyQuery(
    string? RunId = null,
    string? DetectorId = null,
    string? InvestigationId = null,
    AnomalySeverity? Severity = null,
    AnomalyStatus? Status = null,
    double? MinScore = null,
    bool IncludeEmbedding = false);

/// <param name="ExcludeAnomalyId">Left out of the results ("more like this" excludes the anomaly itself).</param>
/// <param name="Exact">Rank every candidate exactly instead of through an approximate (ANN) index, whatever their number.</param>
public sealed record SimilarityQuery(
    float[] Vector,
    int K = 10,
    double MinSimilarity = Validation.SimilarityRules.DefaultMinSimilarity,
    AnomalySeverity? Severity = null,
    string? DetectorId = null,
    string? ExcludeAnomalyId = null,
    bool Exact = false);

/// <param name="Similarity">Cosine similarity, 1 − cosine distance.</param>
public sealed record SimilarAnomaly(AnomalyEvent Anomaly, double Similarity);
