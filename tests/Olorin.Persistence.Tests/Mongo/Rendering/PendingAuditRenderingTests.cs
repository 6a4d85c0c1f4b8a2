using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Persistence.Mongo.Mapping;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// The audit entry rides in the investigation's own single-document write on every deployment shape: rendered here
/// are the create document, the update and the tombstone that carry it, and the relay's and history's queries.
/// </summary>
public sealed class PendingAuditRenderingTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private static readonly AuditContext Audit = new("u1", AuditSource.Api, null, null);

    public PendingAuditRenderingTests() => MongoMapping.Register();

    private static Investigation Investigation() => new()
    {
        InvestigationId = "i1", UserId = "u1", TenantId = "t1", Version = 1, CreatedAt = Now, UpdatedAt = Now,
    };

    [Fact]
    public void A_create_inserts_the_document_with_its_CREATE_entry_in_one_insert()
    {
        var investigation = Investigation();
        var entry = AuditEntries.ForCreate(investigation, Audit, Now);

        var document = PendingAudit.WithEntry(investigation, entry);

        Assert.Equal("i1", document["investigation_id"].AsString);
        var pending = Assert.Single(document["olorin_pending_audit"].AsBsonArray).AsBsonDocument;
        Assert.Equal(entry.EntryId, pending["entry_id"].AsString);
        Assert.Equal("CREATE", pending["metadata"]["action_type"].AsString);
        Assert.Equal("t1", pending["metadata"]["tenant_id"].AsString);
        Assert.Equal(entry.EntryId, Assert.Single(PendingAudit.EntriesOf(document)).EntryId);
    }

    [Fact]
    public void An_update_applies_the_patch_and_pushes_its_entry_in_the_same_update_guarded_on_version_and_updated_at()
    {
        var entry = AuditEntries.ForUpdate(Investigation(), Investigation(), Audit, Now);
        var update = Rendered.Update(Builders<Investigation>.Update.Combine(
            InvestigationFilters.Patch(new InvestigationPatch(Status: InvestigationStatus.Completed), Now), PendingAudit.Push(entry)));

        Assert.Equal("COMPLETED", update["$set"]["status"].AsString);
        Assert.Equal(1, update["$inc"]["version"].AsInt32);
        Assert.Equal(entry.EntryId, update["$push"]["olorin_pending_audit"]["entry_id"].AsString);
        Rendered.Equal(
            """{ "tenant_id": "t1", "investigation_id": "i1", "olorin_deleted_at": { "$exists": false }, "version": 3, "updated_at": { "$date": "2026-01-02T03:04:05.678Z" } }""",
            Rendered.Filter(InvestigationFilters.AtVersion("t1", "i1", 3) & InvestigationFilters.UpdatedAt(Now)));
    }

    [Fact]
    public void A_delete_first_becomes_a_tombstone_holding_its_DELETE_entry()
    {
        var entry = AuditEntries.ForDelete(Investigation(), Audit, Now);

        var update = Rendered.Update(PendingAudit.Tombstone(entry, Now));

        Assert.Equal(Now, update["$set"]["olorin_deleted_at"].ToUniversalTime());
        Assert.Equal("DELETE", update["$push"]["olorin_pending_audit"]["metadata"]["action_type"].AsString);
    }

    [Fact]
    public void The_relay_finds_documents_with_entries_to_move_or_a_delete_to_finish()
        => Rendered.Equal(
            """{ "$or": [{ "olorin_pending_audit.0": { "$exists": true } }, { "olorin_deleted_at": { "$exists": true } }] }""",
            Rendered.Filter(MongoAuditRelay.Unfinished));

    [Fact]
    public void History_lists_pending_entries_with_the_stored_ones_once_each_newest_first()
    {
        static AuditLogEntry Entry(string id, int minute) => new() { EntryId = id, Timestamp = Now.AddMinutes(minute) };
        var stored = new[] { Entry("b", 2), Entry("a", 1) };
        var pending = new[] { Entry("c", 3), Entry("b", 2) }; // "b" moved but not yet taken off the list

        Assert.Equal(["c", "b", "a"], AuditLogFilters.MergeNewestFirst(stored, pending).Select(e => e.EntryId));
    }
}
