namespace Olorin.Core.Phases;

/// <summary>
/// Whether a document has a captured change that the relay has not yet applied to the secondary. Collection names
/// are the migration tools' names (<c>investigations</c>, <c>anomaly_events</c>, …); the id is the document's
/// business id within its tenant.
/// </summary>
public interface IPendingChanges
{
    Task<bool> IsPendingAsync(string collection, string tenantId, string id, CancellationToken cancellationToken = default);
}
