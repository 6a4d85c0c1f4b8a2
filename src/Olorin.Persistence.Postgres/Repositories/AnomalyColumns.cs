using System.Linq.Expressions;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>The columns the anomaly list serves when the response leaves the embedding out.</summary>
internal static class AnomalyColumns
{
    /// <summary>
    /// A projection, so EF selects only these columns: every one but the embedding (1.5 KB of a row's ~1.8 KB), whose
    /// presence is read as <c>embedding IS NOT NULL</c> instead.
    /// </summary>
    public static readonly Expression<Func<AnomalyEvent, AnomalyEvent>> WithoutEmbedding = x => new AnomalyEvent
    {
        AnomalyId = x.AnomalyId,
        RunId = x.RunId,
        DetectorId = x.DetectorId,
        TenantId = x.TenantId,
        InvestigationId = x.InvestigationId,
        Cohort = x.Cohort,
        Evidence = x.Evidence,
        Window = x.Window,
        Metric = x.Metric,
        Observed = x.Observed,
        Expected = x.Expected,
        Score = x.Score,
        Severity = x.Severity,
        Status = x.Status,
        PersistedN = x.PersistedN,
        FirstSeen = x.FirstSeen,
        LastSeen = x.LastSeen,
        CreatedAt = x.CreatedAt,
        EmbeddingStored = x.Embedding != null,
    };
}
