using Olorin.Core.Auditing;
using Olorin.Core.Embeddings;
using Olorin.Server.Embeddings;
using Olorin.Core.Tenancy;
using Olorin.Server.Configuration;
using Olorin.Server.Persistence;

namespace Olorin.Server.Apis.Investigations;

/// <summary>What every investigation handler needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class InvestigationServices(
    IInvestigationRepository investigations,
    RequestIdentity identity,
    TimeProvider clock,
    HttpContext httpContext,
    ITextEmbedder embedder,
    EmbeddingQueue embeddingQueue,
    IOptions<InvestigationAccessOptions> access,
    LastAccessedBuffer accessBuffer) : RequestServices(identity, clock, httpContext)
{
    /// <summary>Where a read records its access (written off the request, once per flush).</summary>
    public LastAccessedBuffer AccessBuffer { get; } = accessBuffer;

    /// <summary>When a read records last_accessed.</summary>
    public IOptions<InvestigationAccessOptions> Access { get; } = access;

    /// <summary>Embeds query texts (semantic search).</summary>
    public ITextEmbedder Embedder { get; } = embedder;

    /// <summary>Where an investigation whose settings or results were written asks for its embedding.</summary>
    public EmbeddingQueue EmbeddingQueue { get; } = embeddingQueue;

    public IInvestigationRepository Investigations { get; } = investigations;

    /// <summary>
    /// Resolved when a handler reads the history, not with every request: building it (an instrumented repository over
    /// a pooled EF context) was a cost of each GET /investigations/{id} (docs/performance.md, "Session 7: GET by id").
    /// </summary>
    public IAuditLogRepository AuditLog => HttpContext.RequestServices.GetRequiredService<IAuditLogRepository>();

    /// <summary>Who is writing and from where, for the audit entry the repository writes with the change.</summary>
    public AuditContext Audit() => new(
        Identity.UserId,
        AuditSource.Api,
        HttpContext.Connection.RemoteIpAddress?.ToString(),
        HttpContext.Request.Headers.UserAgent is { Count: > 0 } agent ? agent.ToString() : null);
}
