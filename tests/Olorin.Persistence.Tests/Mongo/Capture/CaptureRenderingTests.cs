using MongoDB.Bson;
using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Tests.Mongo.Mapping;
using Olorin.Persistence.Tests.Mongo.Rendering;

namespace Olorin.Persistence.Tests.Mongo.Capture;

/// <summary>The queries the capture adds, rendered through the driver's serializer registry, and its keys against the relay's.</summary>
public sealed class CaptureRenderingTests
{
    [Fact]
    public void A_batched_score_delete_reads_ids_and_transaction_ids_then_deletes_exactly_those_ids()
    {
        Rendered.Equal("""{ "_id": 1, "transaction_id": 1 }""",
            TransactionScoreFilters.DeletionKeys.Render(new(MongoDB.Bson.Serialization.BsonSerializer.LookupSerializer<Olorin.Core.Models.TransactionScore>(),
                MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry)).Document!);
        var ids = new BsonValue[] { new ObjectId("65f2a0000000000000000001"), new ObjectId("65f2a0000000000000000002") };
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "_id": { "$in": [ { "$oid": "65f2a0000000000000000001" }, { "$oid": "65f2a0000000000000000002" } ] } }""",
            Rendered.Filter(TransactionScoreFilters.Documents("t1", "i1", ids)));
    }

    [Fact]
    public void The_write_back_reads_live_investigations_only_and_other_collections_by_key()
    {
        ChangeKey[] keys = [new("investigations", "t1", "i1"), new("investigations", "t1", "i2")];
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": { "$in": ["i1", "i2"] }, "olorin_deleted_at": { "$exists": false } }""",
            Rendered.Filter(MongoChangeTransfer.CurrentFilter(MongoChangeCollections.Of("investigations"), keys)));
        Rendered.Equal("""{ "tenant_id": "t1", "detector_id": "d1" }""",
            Rendered.Filter(MongoChangeTransfer.CurrentFilter(MongoChangeCollections.Of("detectors"), [new ChangeKey("detectors", "t1", "d1")])));
    }

    /// <summary>The keys the writers capture are the keys the relay reads documents back by (<see cref="MongoChangeCollection.KeyOf"/>).</summary>
    [Fact]
    public void Every_captured_key_is_the_key_the_relay_reads_the_document_back_by()
    {
        var investigation = SampleDocuments.Investigation();
        var entry = SampleDocuments.AuditLogEntry();
        var detector = SampleDocuments.Detector();
        var run = SampleDocuments.DetectionRun();
        var anomaly = SampleDocuments.AnomalyEvent();
        var score = SampleDocuments.TransactionScore();
        var template = SampleDocuments.Template();
        var connection = SampleDocuments.ComposioConnection();
        var audit = SampleDocuments.ComposioActionAudit();
        var execution = SampleDocuments.SoarPlaybookExecution();
        (object Document, ChangeKey Captured)[] cases =
        [
            (investigation, CaptureKeys.Investigation(investigation.TenantId, investigation.InvestigationId)),
            (entry, CaptureKeys.AuditEntry(entry)),
            (detector, CaptureKeys.Detector(detector.TenantId, detector.DetectorId)),
            (run, CaptureKeys.DetectionRun(run.Metadata.TenantId, run.RunId)),
            (anomaly, CaptureKeys.Anomaly(anomaly.TenantId, anomaly.AnomalyId)),
            (score, CaptureKeys.Score(score.TenantId, score.InvestigationId, score.TransactionId)),
            (template, CaptureKeys.Template(template.TenantId, template.TemplateId)),
            (connection, CaptureKeys.Connection(connection.TenantId, connection.ConnectionId)),
            (audit, CaptureKeys.ActionAudit(audit.TenantId, audit.AuditId)),
            (execution, CaptureKeys.SoarExecution(execution.TenantId, execution.ExecutionId)),
        ];

        Assert.Equal(MongoChangeCollections.ByName.Keys.Order(), cases.Select(c => c.Captured.Collection).Order());
        foreach (var (document, captured) in cases)
        {
            var binding = MongoChangeCollections.Of(captured.Collection);
            var bson = MongoChangeTransfer.ToBson(binding, [document]).Single();
            Assert.Equal(captured, bson.Key);
        }
    }
}
