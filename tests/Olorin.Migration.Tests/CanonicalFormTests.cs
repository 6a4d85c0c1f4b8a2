using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Olorin.Core.Models;
using Olorin.Migration.Canonical;
using Olorin.Migration.Seeding;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Migration.Tests;

/// <summary>The one canonical form: what it treats as equal, what it tells apart, and that BSON and jsonb agree.</summary>
public sealed class CanonicalFormTests
{
    static CanonicalFormTests() => MongoMapping.Register();

    private static AnomalyEvent Anomaly(string evidenceJson, DateTime? created = null, float[]? embedding = null) => new()
    {
        AnomalyId = "a-1", RunId = "r-1", DetectorId = "d-1", TenantId = "t-1", Metric = "tx_count", Observed = 5, Expected = 2.5, Score = 3,
        Evidence = JsonNode.Parse(evidenceJson)!.AsObject(),
        Window = new AnomalyWindow { Start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), End = new DateTime(2026, 1, 1, 1, 0, 0, DateTimeKind.Utc) },
        CreatedAt = created ?? new DateTime(2026, 2, 3, 4, 5, 6, 789, DateTimeKind.Utc),
        Embedding = embedding ?? SyntheticDataset.RandomUnitVector(new Random(3), null, 0),
    };

    private static string Text(object document) => Encoding.UTF8.GetString(CanonicalForm.Of(document));

    [Fact]
    public void Free_form_key_order_does_not_matter()
        => Assert.Equal(Text(Anomaly("""{"b":1,"a":{"y":2,"x":3}}""")), Text(Anomaly("""{"a":{"x":3,"y":2},"b":1}""")));

    [Fact]
    public void An_integer_and_a_double_of_equal_value_differ()
    {
        Assert.NotEqual(Text(Anomaly("""{"n":5}""")), Text(Anomaly("""{"n":5.0}""")));
        Assert.Contains("\"n\":5.0", Text(Anomaly("""{"n":5.0}""")));
        Assert.Contains("\"n\":5}", Text(Anomaly("""{"n":5}""")));
    }

    [Fact]
    public void Typed_doubles_are_written_as_doubles_and_timestamps_to_100_ns()
    {
        var text = Text(Anomaly("{}"));
        Assert.Contains("\"observed\":5.0", text);
        Assert.Contains("\"created_at\":\"2026-02-03T04:05:06.7890000Z\"", text);
    }

    [Fact]
    public void One_ulp_in_an_embedding_and_one_millisecond_in_a_timestamp_differ()
    {
        var embedding = SyntheticDataset.RandomUnitVector(new Random(3), null, 0);
        var nudged = (float[])embedding.Clone();
        nudged[100] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(nudged[100]) + 1);
        Assert.NotEqual(Text(Anomaly("{}", embedding: embedding)), Text(Anomaly("{}", embedding: nudged)));

        var at = new DateTime(2026, 2, 3, 4, 5, 6, 789, DateTimeKind.Utc);
        Assert.NotEqual(Text(Anomaly("{}", created: at)), Text(Anomaly("{}", created: at.AddMilliseconds(1))));
        Assert.NotEqual(Text(Anomaly("{}", created: at)), Text(Anomaly("{}", created: at.AddTicks(10))));
    }

    [Fact]
    public void A_bson_document_and_a_jsonb_row_of_the_same_document_have_one_canonical_form()
    {
        // As PostgreSQL hands it over: jsonb text parsed into JSON nodes.
        var fromJsonb = Anomaly("""{"count":3,"ratio":2.5,"whole":4.0,"big":12345678901234,"text":"x","nested":{"list":[1,2.0,"y"]}}""");
        // As MongoDB stores it: the BSON the Mongo mapping writes, with Int32 / Double / Int64 kept.
        var bson = fromJsonb.ToBsonDocument();
        var evidence = bson["evidence"].AsBsonDocument;
        Assert.Equal(BsonType.Int32, evidence["count"].BsonType);
        Assert.Equal(BsonType.Double, evidence["whole"].BsonType);
        Assert.Equal(BsonType.Int64, evidence["big"].BsonType);
        var fromBson = BsonSerializer.Deserialize<AnomalyEvent>(bson);

        Assert.Equal(Text(fromJsonb), Text(fromBson));
    }

    [Fact]
    public void A_bson_int32_where_jsonb_has_a_double_is_a_difference()
    {
        var fromJsonb = Anomaly("""{"points":3.0}""");
        var bson = fromJsonb.ToBsonDocument();
        bson["evidence"]["points"] = new BsonInt32(3);
        var fromBson = BsonSerializer.Deserialize<AnomalyEvent>(bson);

        var differences = FieldDiff.Compare(CanonicalForm.Of(fromJsonb), CanonicalForm.Of(fromBson));
        var difference = Assert.Single(differences);
        Assert.Equal("evidence.points", difference.Path);
        Assert.Equal("3.0 (double)", difference.Source);
        Assert.Equal("3 (integer)", difference.Target);
    }

    [Fact]
    public void The_hash_is_order_independent_when_summed_and_depends_on_identity()
    {
        var a = CanonicalForm.Of(Anomaly("""{"a":1}"""));
        var b = CanonicalForm.Of(Anomaly("""{"b":2}"""));
        var ka = new DocumentKey("t", "1");
        var kb = new DocumentKey("t", "2");
        Assert.Equal(CanonicalForm.Hash(ka, a) + CanonicalForm.Hash(kb, b), CanonicalForm.Hash(kb, b) + CanonicalForm.Hash(ka, a));
        Assert.NotEqual(CanonicalForm.Hash(ka, a), CanonicalForm.Hash(new DocumentKey("other-tenant", "1"), a));
    }

    [Fact]
    public void The_diff_names_nested_paths_and_never_shows_secrets()
    {
        var left = new ComposioConnection { ConnectionId = "c", TenantId = "t", EncryptedAccessToken = "secret-1", ToolkitName = "slack" };
        var right = new ComposioConnection { ConnectionId = "c", TenantId = "t", EncryptedAccessToken = "secret-2", ToolkitName = "jira" };
        var differences = FieldDiff.Compare(CanonicalForm.Of(left), CanonicalForm.Of(right));
        Assert.Equal(["toolkit_name", "encrypted_access_token"], differences.Select(d => d.Path).Order().Reverse());
        var token = differences.Single(d => d.Path == "encrypted_access_token");
        Assert.Equal("(hidden)", token.Source);
        Assert.DoesNotContain(differences, d => d.Source.Contains("secret") || d.Target.Contains("secret"));
    }

    /// <summary>An anomaly whose window carries members the model does not know, as PostgreSQL hands them over (jsonb text).</summary>
    private static AnomalyEvent WithUnknownWindowMembers(string jsonb)
    {
        var anomaly = Anomaly("{}");
        anomaly.Window.UnknownMembers = JsonSerializer.Deserialize<UnknownMembers>(jsonb, Olorin.Core.Serialization.OlorinJson.Options)!;
        return anomaly;
    }

    [Fact]
    public void Unknown_members_of_a_fixed_shape_object_are_in_the_canonical_form_sorted_with_their_number_kinds()
    {
        var text = Text(WithUnknownWindowMembers("""{"zeta": 5.0, "alpha": {"y": 2, "x": [1, 2.50]}, "count": 5, "nothing": null}"""));

        Assert.Contains("\"duration_minutes\":null,\"alpha\":{\"x\":[1,2.5],\"y\":2},\"count\":5,\"nothing\":null,\"zeta\":5.0}", text);
        using var parsed = JsonDocument.Parse(text);
        Assert.NotEqual(text, Text(WithUnknownWindowMembers("""{"zeta": 5, "alpha": {"y": 2, "x": [1, 2.50]}, "count": 5, "nothing": null}""")));
        Assert.NotEqual(text, Text(Anomaly("{}")));
    }

    [Fact]
    public void Unknown_members_read_from_bson_and_from_jsonb_have_one_canonical_form()
    {
        var fromJsonb = WithUnknownWindowMembers("""{"big": 12345678901234, "count": 3, "whole": 4.0, "ratio": 2.5, "nested": {"list": [1, 2.0, "y"]}}""");
        var bson = fromJsonb.ToBsonDocument();
        Assert.Equal(BsonType.Double, bson["window"]["whole"].BsonType);
        Assert.Equal(BsonType.Int32, bson["window"]["count"].BsonType);
        var fromBson = BsonSerializer.Deserialize<AnomalyEvent>(bson);

        Assert.Equal(Text(fromJsonb), Text(fromBson));

        bson["window"]["whole"] = new BsonInt32(4);
        var difference = Assert.Single(FieldDiff.Compare(CanonicalForm.Of(fromJsonb), CanonicalForm.Of(BsonSerializer.Deserialize<AnomalyEvent>(bson))));
        Assert.Equal("window.whole", difference.Path);
    }

    [Fact]
    public void The_preflight_sees_the_names_of_unknown_members()
    {
        var inspection = new CanonicalInspection();
        inspection.Inspect(WithUnknownWindowMembers("""{"a.b": 1, "ok": {"$x": 2}}"""));

        Assert.Equal(["a.b", "ok.$x"], inspection.FreeFormKeyPaths);
    }

    [Fact]
    public void Every_model_of_the_synthetic_dataset_has_a_canonical_form_that_parses_as_json()
    {
        var investigation = new Investigation { InvestigationId = "i", TenantId = "t", Settings = new JsonObject { ["additional_config"] = new JsonObject { ["x"] = 1.5 } } };
        using var parsed = JsonDocument.Parse(CanonicalForm.Of(investigation));
        Assert.Equal("i", parsed.RootElement.GetProperty("investigation_id").GetString());
    }
}
