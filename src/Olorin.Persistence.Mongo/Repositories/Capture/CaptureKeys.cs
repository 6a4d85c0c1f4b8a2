using Olorin.Core.Phases;

namespace Olorin.Persistence.Mongo.Repositories.Capture;

/// <summary>
/// The outbox keys of the ten collections, exactly as <see cref="Outbox.MongoChangeCollections"/> names them (the
/// relay reads the documents back by them): the collection, the tenant, and the business id — for a transaction score
/// <c>investigation_id/transaction_id</c>, for an audit entry its <c>entry_id</c> (neither has a unique key in a time
/// series; the relay copies whatever documents carry the key).
/// </summary>
public static class CaptureKeys
{
    public static ChangeKey Investigation(string tenantId, string investigationId) => new(MongoCollectionNames.Investigations, tenantId, investigationId);

    public static ChangeKey AuditEntry(AuditLogEntry entry) => new(MongoCollectionNames.AuditLog, entry.Metadata.TenantId, entry.EntryId);

    public static ChangeKey Detector(string tenantId, string detectorId) => new(MongoCollectionNames.Detectors, tenantId, detectorId);

    public static ChangeKey DetectionRun(string tenantId, string runId) => new(MongoCollectionNames.DetectionRuns, tenantId, runId);

    public static ChangeKey Anomaly(string tenantId, string anomalyId) => new(MongoCollectionNames.AnomalyEvents, tenantId, anomalyId);

    public static ChangeKey Score(string tenantId, string investigationId, string transactionId)
        => new(MongoCollectionNames.TransactionScores, tenantId, $"{investigationId}/{transactionId}");

    public static ChangeKey Template(string tenantId, string templateId) => new(MongoCollectionNames.Templates, tenantId, templateId);

    public static ChangeKey Connection(string tenantId, string connectionId) => new(MongoCollectionNames.ComposioConnections, tenantId, connectionId);

    public static ChangeKey ActionAudit(string tenantId, string auditId) => new(MongoCollectionNames.ComposioActionAudits, tenantId, auditId);

    public static ChangeKey SoarExecution(string tenantId, string executionId) => new(MongoCollectionNames.SoarPlaybookExecutions, tenantId, executionId);

    /// <summary>The distinct keys of <paramref name="documents"/> in <paramref name="collection"/>.</summary>
    public static IReadOnlyCollection<ChangeKey> Of<T>(string collection, IEnumerable<T> documents, Func<T, TenantKey> keyOf)
        => documents.Select(d => keyOf(d)).Select(k => new ChangeKey(collection, k.TenantId, k.Id)).Distinct().ToList();
}
