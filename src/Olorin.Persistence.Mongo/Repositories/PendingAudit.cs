using MongoDB.Bson.Serialization;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Audit entries waiting inside their investigation's document (<c>olorin_pending_audit</c>), and the tombstone of a
/// deleted investigation whose DELETE entry has not moved yet (<c>olorin_deleted_at</c>). An investigation write and
/// its entry go in one single-document write, which MongoDB makes atomic on every deployment shape ("a write
/// operation is atomic on the level of a single document", https://www.mongodb.com/docs/manual/core/write-operations-atomicity/),
/// then <see cref="MongoAuditRelay"/> moves the entries into <c>audit_log</c>. The fields are not part of the model:
/// the class map ignores them on read.
/// </summary>
public static class PendingAudit
{
    public const string Field = "olorin_pending_audit";
    public const string DeletedField = "olorin_deleted_at";
    public const string LeaseField = "olorin_pending_audit_lease";

    private static FilterDefinitionBuilder<Investigation> Filter => Builders<Investigation>.Filter;

    /// <summary>Appends <paramref name="entry"/> to the pending list (as audit_log stores it).</summary>
    public static UpdateDefinition<Investigation> Push(AuditLogEntry entry)
        => Builders<Investigation>.Update.Push<BsonDocument>(Field, entry.ToBsonDocument());

    /// <summary>Marks the investigation deleted and appends its DELETE entry: the first half of a delete.</summary>
    public static UpdateDefinition<Investigation> Tombstone(AuditLogEntry entry, DateTime now)
        => Builders<Investigation>.Update.Combine(Builders<Investigation>.Update.Set<DateTime>(DeletedField, now), Push(entry));

    /// <summary>Not deleted: a tombstone is invisible to every read and write of the API.</summary>
    public static FilterDefinition<Investigation> Live { get; } = Filter.Exists(DeletedField, false);

    /// <summary>
    /// <see cref="Live"/> for the raw documents the write-back reads (<see cref="Outbox.MongoChangeTransfer.ReadCurrentAsync"/>):
    /// a tombstone is a deleted investigation there too, so PostgreSQL never receives one the API answered as deleted.
    /// </summary>
    public static FilterDefinition<BsonDocument> LiveDocuments { get; } = Builders<BsonDocument>.Filter.Exists(DeletedField, false);

    /// <summary>The stored document as the insert of a create writes it: the investigation and its CREATE entry.</summary>
    public static BsonDocument WithEntry(Investigation investigation, AuditLogEntry entry)
    {
        var document = investigation.ToBsonDocument();
        document[Field] = new BsonArray { entry.ToBsonDocument() };
        return document;
    }

    /// <summary>The pending entries of a raw investigation document (none when the field is absent).</summary>
    public static IReadOnlyList<AuditLogEntry> EntriesOf(BsonDocument? document)
        => document?.GetValue(Field, new BsonArray()).AsBsonArray.OfType<BsonDocument>()
               .Select(d => BsonSerializer.Deserialize<AuditLogEntry>(d)).ToList() ?? [];
}
