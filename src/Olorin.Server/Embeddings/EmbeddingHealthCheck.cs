using Microsoft.Extensions.Diagnostics.HealthChecks;
using Olorin.Core.Embeddings;
using Olorin.Embeddings;

namespace Olorin.Server.Embeddings;

/// <summary>
/// <c>embedding</c> in /health (not in readiness: everything but search by text works without the model): Healthy
/// when the model is loaded or embedding is switched off, Degraded while it loads or when it failed to load.
/// </summary>
public sealed class EmbeddingHealthCheck(ITextEmbedder embedder, EmbeddingQueue queue) : IHealthCheck
{
    public const string Name = "embedding";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["queue_depth"] = queue.Depth };
        return Task.FromResult(embedder.State switch
        {
            EmbedderState.Ready => HealthCheckResult.Healthy(
                $"{EmbeddingModel.Name} loaded{LoadTime()}; {queue.Depth} document(s) waiting for an embedding.", data),
            EmbedderState.Loading => HealthCheckResult.Degraded($"{EmbeddingModel.Name} is loading; search by text answers 503 until it is ready.", data: data),
            EmbedderState.Disabled => HealthCheckResult.Healthy("Server-side embedding is switched off (EMBEDDING_ENABLED=false).", data),
            _ => HealthCheckResult.Degraded(
                $"{EmbeddingModel.Name} could not be loaded: {(embedder as MiniLmTextEmbedder)?.FailureReason}; search by text is unavailable.", data: data),
        });
    }

    private string LoadTime() => embedder is MiniLmTextEmbedder { LoadTime: { } t } ? $" in {t.TotalSeconds:0.0} s" : "";
}
