using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using Olorin.Core.Serialization;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>Every model survives BSON bytes field-for-field, number kinds and dates included.</summary>
public sealed class ModelRoundTripTests
{
    static ModelRoundTripTests() => MongoMapping.Register();

    private static readonly JsonWriterSettings Canonical = new() { OutputMode = JsonOutputMode.CanonicalExtendedJson };

    public static TheoryData<string> Models => new(
        "investigation", "detector", "detection_run", "anomaly_event", "transaction_score",
        "audit_log_entry", "template", "composio_connection", "composio_action_audit", "soar_playbook_execution");

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_model_round_trips_through_bson_bytes(string model)
    {
        switch (model)
        {
            case "investigation": AssertRoundTrip(SampleDocuments.Investigation()); break;
            case "detector": AssertRoundTrip(SampleDocuments.Detector()); break;
            case "detection_run": AssertRoundTrip(SampleDocuments.DetectionRun()); break;
            case "anomaly_event": AssertRoundTrip(SampleDocuments.AnomalyEvent()); break;
            case "transaction_score": AssertRoundTrip(SampleDocuments.TransactionScore()); break;
            case "audit_log_entry": AssertRoundTrip(SampleDocuments.AuditLogEntry()); break;
            case "template": AssertRoundTrip(SampleDocuments.Template()); break;
            case "composio_connection": AssertRoundTrip(SampleDocuments.ComposioConnection()); break;
            case "composio_action_audit": AssertRoundTrip(SampleDocuments.ComposioActionAudit()); break;
            case "soar_playbook_execution": AssertRoundTrip(SampleDocuments.SoarPlaybookExecution()); break;
            default: throw new ArgumentOutOfRangeException(nameof(model));
        }
    }

    [Fact]
    public void Models_with_defaults_round_trip_too()
    {
        var t = SampleDocuments.T0;
        AssertRoundTrip(new Olorin.Core.Models.Investigation { InvestigationId = "i", UserId = "u", TenantId = "t", CreatedAt = t, UpdatedAt = t });
        AssertRoundTrip(new Olorin.Core.Models.AnomalyEvent { AnomalyId = "a", CreatedAt = t, Window = new() { Start = t, End = t } });
        AssertRoundTrip(new Olorin.Core.Models.SoarPlaybookExecution { ExecutionId = "e", StartedAt = t });
    }

    [Fact]
    public void A_server_assigned_id_and_unknown_fields_are_ignored_on_read()
    {
        var document = SampleDocuments.Detector().ToBsonDocument();
        document.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
        document.Add("legacy_field", "whatever");

        var detector = BsonSerializer.Deserialize<Olorin.Core.Models.Detector>(document);

        Assert.Equal("det-1", detector.DetectorId);
    }

    private static void AssertRoundTrip<T>(T original)
    {
        var bytes = original.ToBson();
        var back = BsonSerializer.Deserialize<T>(bytes);

        Assert.Equal(Json(original), Json(back));
        Assert.Equal(original.ToBsonDocument().ToJson(Canonical), back.ToBsonDocument().ToJson(Canonical));
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, OlorinJson.Options);
}
