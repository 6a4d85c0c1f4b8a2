using System.Linq.Expressions;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>The columns an investigation read serves: everything but the derived search_vector and embedding.</summary>
internal static class InvestigationColumns
{
    /// <summary>
    /// A projection, so EF selects only these columns; the embedding stays empty (it is never sent to clients, and the
    /// embedding worker and semantic search read it through their own queries).
    /// </summary>
    public static readonly Expression<Func<Investigation, Investigation>> Served = x => new Investigation
    {
        InvestigationId = x.InvestigationId,
        UserId = x.UserId,
        TenantId = x.TenantId,
        LifecycleStage = x.LifecycleStage,
        Status = x.Status,
        Settings = x.Settings,
        Progress = x.Progress,
        Results = x.Results,
        Version = x.Version,
        CreatedAt = x.CreatedAt,
        UpdatedAt = x.UpdatedAt,
        LastAccessed = x.LastAccessed,
        Metadata = x.Metadata,
    };
}
