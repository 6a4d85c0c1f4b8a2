namespace Olorin.Server.Apis.Anomalies;

/// <summary>
/// A similar-anomaly search: exactly one of <c>vector</c> (EMBEDDING_DIMENSION finite numbers), <c>anomaly_id</c>
/// ("more like this": that anomaly's embedding, the anomaly itself left out) or <c>text</c> (1–2000 characters,
/// embedded by the server with all-MiniLM-L6-v2; 503 while the model loads or when EMBEDDING_ENABLED=false).
/// </summary>
/// <param name="K">1–100, default 10.</param>
/// <param name="MinSimilarity">Cosine similarity (−1 to 1) a result must reach; default 0.4 (the reference's Atlas score 0.7).</param>
/// <param name="Exact">
/// true: rank every candidate exactly (the true nearest neighbours, at a cost linear in the tenant's anomalies)
/// instead of through the approximate index. Default false: on PostgreSQL the server ranks exactly in its in-process
/// index once the tenant is loaded there, otherwise exactly when the candidates are few
/// (PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES) and through the HNSW index beyond.
/// </param>
public sealed record SimilarAnomaliesRequest(
    float[]? Vector = null,
    string? AnomalyId = null,
    int? K = null,
    AnomalySeverity? Severity = null,
    string? DetectorId = null,
    double? MinSimilarity = null,
    string? Text = null,
    bool? Exact = null);

/// <summary>The most similar anomalies of the tenant, most similar first.</summary>
public sealed record SimilarAnomaliesResponse(IReadOnlyList<SimilarAnomalyItem> Anomalies)
{
    public static SimilarAnomaliesResponse From(IReadOnlyList<SimilarAnomaly> hits, bool includeEmbedding)
        => new(hits.Select(h => SimilarAnomalyItem.From(h, includeEmbedding)).ToList());
}

/// <summary>An anomaly (the same fields as <see cref="AnomalyResponse"/>) with its <c>similarity</c>.</summary>
public sealed record SimilarAnomalyItem : AnomalyResponse
{
    public double Similarity { get; init; }

    private SimilarAnomalyItem(AnomalyResponse anomaly, double similarity) : base(anomaly) => Similarity = similarity;

    public static SimilarAnomalyItem From(SimilarAnomaly hit, bool includeEmbedding)
        => new(AnomalyResponse.From(hit.Anomaly, includeEmbedding), hit.Similarity);
}
