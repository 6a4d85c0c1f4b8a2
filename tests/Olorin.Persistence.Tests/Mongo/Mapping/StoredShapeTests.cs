using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Olorin.Core.Models;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>The stored element names and values are exactly those of DATA-MODEL.md.</summary>
public sealed class StoredShapeTests
{
    static StoredShapeTests() => MongoMapping.Register();

    private static long Ms(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeMilliseconds();

    [Fact]
    public void Investigation_is_stored_with_snake_case_names_and_wire_enums()
    {
        var doc = SampleDocuments.Investigation().ToBsonDocument();

        Assert.Equal(
            ["investigation_id", "user_id", "tenant_id", "lifecycle_stage", "status", "settings", "progress", "results",
             "version", "created_at", "updated_at", "last_accessed", "metadata", "embedding"],
            doc.Names);
        Assert.Equal("IN_PROGRESS", doc["lifecycle_stage"].AsString);
        Assert.Equal("CANCELLED", doc["status"].AsString);
        Assert.Equal(
            ["name", "entity_type", "entity_value", "entities", "time_range", "investigation_type", "tools", "additional_config",
             "unknown_member"],
            doc["settings"].AsBsonDocument.Names);
        Assert.Equal("10.0.0.1", doc["settings"]["entities"][0]["entity_value"].AsString);
        // Free-form objects are stored as the client sent them (Decision 12): its spellings, its strings for dates.
        Assert.Equal(["start", "end", "duration_hours", "type"], doc["settings"]["time_range"].AsBsonDocument.Names);
        Assert.Equal("2026-01-01T01:00:00", doc["settings"]["time_range"]["end"].AsString);
        Assert.Equal(["tool_id", "enabled", "config"], doc["settings"]["tools"][0].AsBsonDocument.Names);
        Assert.Equal(["current_phase", "progress_percentage", "phases_completed", "additional_data"],
            doc["progress"].AsBsonDocument.Names);
        Assert.Equal(["summary", "risk_score", "findings", "recommendations", "metadata"], doc["results"].AsBsonDocument.Names);
        Assert.Equal("velocity spike", doc["results"]["findings"][1]["description"].AsString);
        Assert.Equal(["source", "priority", "tags", "custom_fields"], doc["metadata"].AsBsonDocument.Names);
        Assert.Equal(Ms(SampleDocuments.At(-120)), doc["created_at"].AsBsonDateTime.MillisecondsSinceEpoch);
        Assert.Equal(7, doc["version"].AsInt32);
    }

    [Fact]
    public void Free_form_json_keeps_number_kinds_nesting_and_nulls()
    {
        var json = SampleDocuments.Investigation().ToBsonDocument()["settings"]["additional_config"].AsBsonDocument;

        Assert.Equal(BsonType.Int32, json["count"].BsonType);
        Assert.Equal(BsonType.Int64, json["big"].BsonType);
        Assert.Equal(BsonType.Double, json["ratio"].BsonType);
        Assert.Equal(BsonType.Decimal128, json["price"].BsonType);
        Assert.Equal(BsonType.Boolean, json["flag"].BsonType);
        Assert.Equal(BsonType.Null, json["nothing"].BsonType);
        Assert.Equal(7, json["list"][5]["deep"][0][0].AsInt32);
        Assert.Equal("déjà vu", json["nested"]["inner"]["text"].AsString);
        Assert.Equal(BsonType.Document, json["nested"]["inner"]["empty"].BsonType);
    }

    [Fact]
    public void Json_parsed_from_text_keeps_number_kinds()
    {
        var parsed = System.Text.Json.Nodes.JsonNode.Parse(
            """{"i":1,"l":12345678901,"d":1.5,"e":1e3,"f":1.0,"m":0.1234567890123456789,"s":"x","a":[{"b":null}]}""")!.AsObject();

        var bson = JsonBson.ToBsonDocument(parsed);
        var back = JsonBson.ToJsonObject(bson);

        Assert.Equal(BsonType.Int32, bson["i"].BsonType);
        Assert.Equal(BsonType.Int64, bson["l"].BsonType);
        Assert.Equal(BsonType.Double, bson["d"].BsonType);
        Assert.Equal(BsonType.Double, bson["e"].BsonType);
        Assert.Equal(BsonType.Double, bson["f"].BsonType);
        Assert.Equal(BsonType.Decimal128, bson["m"].BsonType);
        Assert.Equal(1, back["i"]!.GetValue<int>());
        Assert.Equal(12345678901L, back["l"]!.GetValue<long>());
        Assert.Equal(1.5, back["d"]!.GetValue<double>());
        Assert.Equal(0.1234567890123456789m, back["m"]!.GetValue<decimal>());
        Assert.Null(back["a"]![0]!["b"]);
    }

    [Fact]
    public void Detection_run_window_is_stored_as_from_and_to_with_metadata()
    {
        var doc = SampleDocuments.DetectionRun().ToBsonDocument();

        Assert.Equal(["run_id", "metadata", "started_at", "finished_at", "duration_ms", "window", "info"], doc.Names);
        Assert.Equal(["from", "to", "duration_hours", "big", "count", "legacy_tag", "nested", "nothing", "precise", "ratio"], doc["window"].AsBsonDocument.Names);
        Assert.Equal(Ms(SampleDocuments.At(-60)), doc["window"]["from"].AsBsonDateTime.MillisecondsSinceEpoch);
        Assert.Equal(["detector_id", "detector_type", "tenant_id", "status"], doc["metadata"].AsBsonDocument.Names);
        Assert.Equal("failed", doc["metadata"]["status"].AsString);
        Assert.Equal(["records_processed", "cohorts_analyzed", "anomalies_detected", "error_message", "additional_info", "big", "count", "legacy_tag", "nested", "nothing", "precise", "ratio"],
            doc["info"].AsBsonDocument.Names);
        Assert.Equal(BsonType.Int64, doc["info"]["records_processed"].BsonType);
    }

    [Fact]
    public void Audit_entry_keeps_its_identity_in_metadata_and_spells_enums_on_the_wire()
    {
        var doc = SampleDocuments.AuditLogEntry().ToBsonDocument();

        Assert.Equal(["entry_id", "metadata", "timestamp", "changes", "state_snapshot", "from_version", "to_version", "ip_address", "user_agent"], doc.Names);
        Assert.Equal(["investigation_id", "user_id", "tenant_id", "action_type", "source"], doc["metadata"].AsBsonDocument.Names);
        Assert.Equal("SETTINGS_CHANGE", doc["metadata"]["action_type"].AsString);
        Assert.Equal("WEBHOOK", doc["metadata"]["source"].AsString);
        Assert.Equal(["fields_modified", "before", "after", "truncated"], doc["changes"].AsBsonDocument.Names);
    }

    [Theory]
    [InlineData("CREATED", AuditActionType.Create)]
    [InlineData("UPDATED", AuditActionType.Update)]
    [InlineData("DELETED", AuditActionType.Delete)]
    [InlineData("CREATE", AuditActionType.Create)]
    public void Legacy_action_types_are_read_as_the_current_ones(string stored, AuditActionType expected)
    {
        var doc = SampleDocuments.AuditLogEntry().ToBsonDocument();
        doc["metadata"]["action_type"] = stored;

        var entry = BsonSerializer.Deserialize<AuditLogEntry>(doc);

        Assert.Equal(expected, entry.Metadata.ActionType);
    }

    [Fact]
    public void Legacy_alias_is_rewritten_canonically()
    {
        var doc = SampleDocuments.AuditLogEntry().ToBsonDocument();
        doc["metadata"]["action_type"] = "UPDATED";

        var rewritten = BsonSerializer.Deserialize<AuditLogEntry>(doc).ToBsonDocument();

        Assert.Equal("UPDATE", rewritten["metadata"]["action_type"].AsString);
    }

    [Fact]
    public void An_unknown_enum_value_is_rejected_naming_the_allowed_values()
    {
        var doc = SampleDocuments.AnomalyEvent().ToBsonDocument();
        doc["severity"] = "apocalyptic";

        var error = Assert.ThrowsAny<Exception>(() => BsonSerializer.Deserialize<AnomalyEvent>(doc));

        Assert.Contains("info, warn, critical", error.ToString());
    }

    [Fact]
    public void Anomaly_embedding_is_an_array_of_doubles_and_other_enums_are_lowercase_wire_strings()
    {
        var doc = SampleDocuments.AnomalyEvent().ToBsonDocument();

        Assert.Equal(384, doc["embedding"].AsBsonArray.Count);
        Assert.All(doc["embedding"].AsBsonArray, v => Assert.Equal(BsonType.Double, v.BsonType));
        Assert.Equal("critical", doc["severity"].AsString);
        Assert.Equal("triaged", doc["status"].AsString);
        Assert.Equal(["start", "end", "duration_minutes", "big", "count", "legacy_tag", "nested", "nothing", "precise", "ratio"], doc["window"].AsBsonDocument.Names);
        Assert.Equal(
            ["anomaly_id", "run_id", "detector_id", "tenant_id", "investigation_id", "cohort", "evidence", "window", "metric",
             "observed", "expected", "score", "severity", "status", "persisted_n", "first_seen", "last_seen", "embedding", "created_at"],
            doc.Names);
    }

    [Fact]
    public void An_empty_embedding_is_an_empty_array_and_a_stored_null_reads_as_empty()
    {
        var doc = new AnomalyEvent { AnomalyId = "a" }.ToBsonDocument();
        Assert.Empty(doc["embedding"].AsBsonArray);

        doc["embedding"] = BsonNull.Value;
        Assert.Empty(BsonSerializer.Deserialize<AnomalyEvent>(doc).Embedding);
    }

    [Fact]
    public void Remaining_models_use_the_documented_names()
    {
        Assert.Equal(["detector_id", "name", "type", "cohort_by", "metrics", "params", "enabled", "tenant_id", "created_at", "updated_at"],
            SampleDocuments.Detector().ToBsonDocument().Names);
        Assert.Equal("matrix_profile", SampleDocuments.Detector().ToBsonDocument()["type"].AsString);
        Assert.Equal(["sensitivity", "threshold", "window_size", "algorithm_specific", "k"], SampleDocuments.Detector().ToBsonDocument()["params"].AsBsonDocument.Names);
        Assert.Equal(["investigation_id", "transaction_id", "tenant_id", "risk_score", "score_components", "created_at"],
            SampleDocuments.TransactionScore().ToBsonDocument().Names);
        Assert.Equal(["device_risk", "location_risk", "velocity_risk", "network_risk", "big", "count", "legacy_tag", "nested", "nothing", "precise", "ratio"],
            SampleDocuments.TransactionScore().ToBsonDocument()["score_components"].AsBsonDocument.Names);
        Assert.Equal(["template_id", "user_id", "tenant_id", "name", "description", "tags", "template", "usage_count", "last_used", "created_at", "updated_at"],
            SampleDocuments.Template().ToBsonDocument().Names);
        Assert.Equal(["entity_type", "settings", "agents", "data_sources", "default_params", "big", "count", "legacy_tag", "nested", "nothing", "precise", "ratio"], SampleDocuments.Template().ToBsonDocument()["template"].AsBsonDocument.Names);
        Assert.Equal(["connection_id", "tenant_id", "toolkit_name", "composio_connection_id", "status", "encrypted_access_token", "refresh_token", "expires_at", "last_used_at", "created_at", "updated_at"],
            SampleDocuments.ComposioConnection().ToBsonDocument().Names);
        Assert.Equal("revoked", SampleDocuments.ComposioConnection().ToBsonDocument()["status"].AsString);
        Assert.Equal(["audit_id", "action_id", "toolkit_name", "action_name", "tenant_id", "connection_id", "execution_id", "parameters", "result", "status", "executed_at", "retry_count", "error_message"],
            SampleDocuments.ComposioActionAudit().ToBsonDocument().Names);
        Assert.Equal("retrying", SampleDocuments.ComposioActionAudit().ToBsonDocument()["status"].AsString);
        var soar = SampleDocuments.SoarPlaybookExecution().ToBsonDocument();
        Assert.Equal(["execution_id", "playbook_id", "tenant_id", "investigation_id", "anomaly_id", "trigger_reason", "triggered_by", "status", "started_at", "completed_at", "duration_ms", "actions_executed", "error_message"],
            soar.Names);
        Assert.Equal("completed", soar["status"].AsString);
        Assert.Equal(["action_id", "action_type", "status", "started_at", "completed_at", "result", "error", "big", "count", "legacy_tag", "nested", "nothing", "precise", "ratio"], soar["actions_executed"][0].AsBsonDocument.Names);
        Assert.Equal(["action_id", "action_type", "status", "started_at", "completed_at", "result", "error"], soar["actions_executed"][1].AsBsonDocument.Names);
    }

    [Fact]
    public void Dates_are_stored_in_utc_milliseconds_whatever_their_kind()
    {
        var unspecified = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Unspecified).AddTicks(1234);
        var doc = new TransactionScore { CreatedAt = unspecified }.ToBsonDocument();

        var back = BsonSerializer.Deserialize<TransactionScore>(doc);

        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), back.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, back.CreatedAt.Kind);
    }

    [Fact]
    public void Enums_used_outside_a_class_map_are_spelled_on_the_wire()
    {
        Assert.Equal("IN_PROGRESS", BsonSerializer.LookupSerializer<InvestigationStatus>().ToBsonValue(InvestigationStatus.InProgress).AsString);
    }
}
