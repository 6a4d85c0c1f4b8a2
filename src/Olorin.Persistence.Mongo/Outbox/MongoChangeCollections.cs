using MongoDB.Bson;
using Olorin.Core.Models;
using Olorin.Core.Phases;

namespace Olorin.Persistence.Mongo.Outbox;

/// <summary>
/// How a <see cref="ChangeKey"/> maps onto each of the ten collections: the model type, the tenant field and the
/// id fields of the tenant-scoped unique key index (<see cref="Bootstrap.IndexCatalog"/>; a transaction score's id is
/// <c>investigation_id/transaction_id</c>), and the <see cref="VersionGuard"/> ordering field.
/// </summary>
public sealed record MongoChangeCollection(string Name, Type ModelType, string TenantField, IReadOnlyList<string> IdFields)
{
    public string? OrderingField => VersionGuard.OrderingFieldOf(Name);

    /// <summary>
    /// Whether the server enforces the key with a unique index. Not in a time series (no unique index there) nor in
    /// the audit log (its entry ids are generated, indexed but not unique: <see cref="Bootstrap.IndexCatalog"/>).
    /// </summary>
    public bool KeyIsUnique(bool timeSeries) => !timeSeries && Name != MongoCollectionNames.AuditLog;

    public ChangeKey KeyOf(BsonDocument document)
        => new(Name, Get(document, TenantField).AsString, string.Join('/', IdFields.Select(f => Get(document, f).AsString)));

    /// <summary>The id split into the id fields' values (at the first '/', for the two-field key).</summary>
    public string[] IdValues(ChangeKey key) => IdFields.Count == 1 ? [key.Id] : key.Id.Split('/', IdFields.Count);

    private static BsonValue Get(BsonDocument document, string path)
    {
        BsonValue value = document;
        foreach (var part in path.Split('.')) value = value.AsBsonDocument[part];
        return value;
    }
}

public static class MongoChangeCollections
{
    public static IReadOnlyDictionary<string, MongoChangeCollection> ByName { get; } = new MongoChangeCollection[]
    {
        new(MongoCollectionNames.Investigations, typeof(Investigation), "tenant_id", ["investigation_id"]),
        new(MongoCollectionNames.Templates, typeof(InvestigationTemplate), "tenant_id", ["template_id"]),
        new(MongoCollectionNames.Detectors, typeof(Detector), "tenant_id", ["detector_id"]),
        new(MongoCollectionNames.DetectionRuns, typeof(DetectionRun), "metadata.tenant_id", ["run_id"]),
        new(MongoCollectionNames.AnomalyEvents, typeof(AnomalyEvent), "tenant_id", ["anomaly_id"]),
        new(MongoCollectionNames.TransactionScores, typeof(TransactionScore), "tenant_id", ["investigation_id", "transaction_id"]),
        new(MongoCollectionNames.AuditLog, typeof(AuditLogEntry), "metadata.tenant_id", ["entry_id"]),
        new(MongoCollectionNames.ComposioConnections, typeof(ComposioConnection), "tenant_id", ["connection_id"]),
        new(MongoCollectionNames.ComposioActionAudits, typeof(ComposioActionAudit), "tenant_id", ["audit_id"]),
        new(MongoCollectionNames.SoarPlaybookExecutions, typeof(SoarPlaybookExecution), "tenant_id", ["execution_id"]),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static MongoChangeCollection Of(string collection)
        => ByName.TryGetValue(collection, out var binding) ? binding : throw new ArgumentException($"unknown collection {collection}", nameof(collection));
}
