using Olorin.Core.Tenancy;
using Olorin.Core.Embeddings;
using Olorin.Server.Configuration;
using Olorin.Server.Embeddings;

namespace Olorin.Server.Apis.Anomalies;

/// <summary>What every anomaly handler needs, bound with <c>[AsParameters]</c> (constructor parameters must match public properties).</summary>
public sealed class AnomalyServices(
    IAnomalyEventRepository anomalies,
    IInvestigationRepository investigations,
    RequestIdentity identity,
    TimeProvider clock,
    IOptions<EmbeddingOptions> embedding,
    ITextEmbedder embedder,
    EmbeddingQueue embeddingQueue,
    HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    /// <summary>Embeds query texts (search by text).</summary>
    public ITextEmbedder Embedder { get; } = embedder;

    /// <summary>Where an anomaly created without an embedding asks for one.</summary>
    public EmbeddingQueue EmbeddingQueue { get; } = embeddingQueue;

    public IAnomalyEventRepository Anomalies { get; } = anomalies;
    public IInvestigationRepository Investigations { get; } = investigations;

    public IOptions<EmbeddingOptions> Embedding { get; } = embedding;

    /// <summary><c>EMBEDDING_DIMENSION</c>: the length every embedding and query vector must have.</summary>
    public int EmbeddingDimension => Embedding.Value.Dimension;

    public async Task<bool> InvestigationExistsAsync(string investigationId, CancellationToken cancellationToken)
        => await Investigations.GetAsync(Identity.TenantId, investigationId, cancellationToken) is not null;
}
