using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Embeddings;

namespace Olorin.Server.Apis.Anomalies;

/// <summary>
/// <c>POST /anomalies/search/similar</c>: nearest anomalies of the caller's tenant by cosine similarity to a vector,
/// to another anomaly's embedding, or to the server's embedding of a text.
/// </summary>
public static class SimilarAnomaliesSearch
{
    public static async Task<Results<Ok<SimilarAnomaliesResponse>, ValidationProblem, ProblemHttpResult>> Search(
        SimilarAnomaliesRequest request,
        [AsParameters] AnomalyServices services,
        [FromQuery(Name = "include_embedding")] bool? includeEmbedding,
        CancellationToken cancellationToken)
    {
        var errors = SimilarityRules.Validate(
            request.Vector, request.AnomalyId, request.Text, request.K, request.MinSimilarity, request.DetectorId, services.EmbeddingDimension);
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var vector = request.Vector;
        if (request.AnomalyId is { } anomalyId)
        {
            var reference = await services.Anomalies.GetAsync(tenant, anomalyId, cancellationToken);
            if (reference is null) return AnomalyProblems.NotFound(anomalyId);
            if (reference.Embedding.Length == 0)
            {
                errors.Add("anomaly_id", $"Anomaly '{anomalyId}' has no embedding to compare with.");
                return errors.ToProblem();
            }
            vector = reference.Embedding;
        }
        else if (request.Text is { } text)
        {
            // 503 (EmbedderUnavailableException) while the model loads, or when embedding is off.
            vector = await services.Embedder.EmbedAsync(text, cancellationToken);
        }

        var query = new SimilarityQuery(
            vector!,
            request.K ?? SimilarityRules.DefaultK,
            request.MinSimilarity ?? SimilarityRules.DefaultMinSimilarity,
            request.Severity,
            string.IsNullOrEmpty(request.DetectorId) ? null : request.DetectorId,
            ExcludeAnomalyId: request.AnomalyId,
            Exact: request.Exact ?? false);
        var hits = await services.Anomalies.SearchSimilarAsync(tenant, query, cancellationToken);
        return TypedResults.Ok(SimilarAnomaliesResponse.From(hits, includeEmbedding ?? false));
    }
}
