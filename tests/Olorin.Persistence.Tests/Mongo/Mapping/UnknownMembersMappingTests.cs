using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Core.Models;
using Olorin.Core.Serialization;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>
/// The fixed-shape objects (a run's window and info, an anomaly's window, a template's body, a SOAR action, a score's
/// components) keep the members the model does not know through BSON (Decision 12), with their number kinds, although
/// the convention pack ignores extra elements everywhere else.
/// </summary>
public sealed class UnknownMembersMappingTests
{
    static UnknownMembersMappingTests() => MongoMapping.Register();

    public static TheoryData<string> Objects => new("run_window", "run_info", "anomaly_window", "template", "soar_action", "score_components");

    /// <summary>The object's rendered document and its unknown members, from the sample model.</summary>
    private static (BsonDocument Rendered, UnknownMembers Sent) Rendered(string name) => name switch
    {
        "run_window" => (SampleDocuments.DetectionRun().ToBsonDocument()["window"].AsBsonDocument, SampleDocuments.DetectionRun().Window.UnknownMembers),
        "run_info" => (SampleDocuments.DetectionRun().ToBsonDocument()["info"].AsBsonDocument, SampleDocuments.DetectionRun().Info.UnknownMembers),
        "anomaly_window" => (SampleDocuments.AnomalyEvent().ToBsonDocument()["window"].AsBsonDocument, SampleDocuments.AnomalyEvent().Window.UnknownMembers),
        "template" => (SampleDocuments.Template().ToBsonDocument()["template"].AsBsonDocument, SampleDocuments.Template().Template.UnknownMembers),
        "soar_action" => (SampleDocuments.SoarPlaybookExecution().ToBsonDocument()["actions_executed"][0].AsBsonDocument,
            SampleDocuments.SoarPlaybookExecution().ActionsExecuted[0].UnknownMembers),
        "score_components" => (SampleDocuments.TransactionScore().ToBsonDocument()["score_components"].AsBsonDocument,
            SampleDocuments.TransactionScore().ScoreComponents!.UnknownMembers),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void The_rendered_document_holds_the_unknown_members_with_their_bson_kinds(string name)
    {
        var (doc, sent) = Rendered(name);

        Assert.All(sent.Keys, key => Assert.True(doc.Contains(key), $"{name} lacks {key}: {doc}"));
        Assert.Equal(BsonType.Int32, doc["count"].BsonType);
        Assert.Equal(BsonType.Double, doc["ratio"].BsonType);
        Assert.Equal(BsonType.Int64, doc["big"].BsonType);
        Assert.Equal(BsonType.Decimal128, doc["precise"].BsonType);
        Assert.Equal(BsonType.Null, doc["nothing"].BsonType);
        Assert.Equal(2.5, doc["nested"]["deep"][1].AsDouble);
        Assert.Equal(BsonType.Document, doc["nested"]["deep"][4]["k"].BsonType);
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Unknown_members_come_back_as_sent_numbers_written_by_their_kind(string name)
    {
        var (_, sent) = Rendered(name);
        var back = name switch
        {
            "run_window" => BsonSerializer.Deserialize<DetectionRun>(SampleDocuments.DetectionRun().ToBson()).Window.UnknownMembers,
            "run_info" => BsonSerializer.Deserialize<DetectionRun>(SampleDocuments.DetectionRun().ToBson()).Info.UnknownMembers,
            "anomaly_window" => BsonSerializer.Deserialize<AnomalyEvent>(SampleDocuments.AnomalyEvent().ToBson()).Window.UnknownMembers,
            "template" => BsonSerializer.Deserialize<InvestigationTemplate>(SampleDocuments.Template().ToBson()).Template.UnknownMembers,
            "soar_action" => BsonSerializer.Deserialize<SoarPlaybookExecution>(SampleDocuments.SoarPlaybookExecution().ToBson()).ActionsExecuted[0].UnknownMembers,
            "score_components" => BsonSerializer.Deserialize<TransactionScore>(SampleDocuments.TransactionScore().ToBson()).ScoreComponents!.UnknownMembers,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        Assert.Equal(sent.Keys, back.Keys);
        foreach (var (key, value) in sent) Assert.Equal(JsonSerializer.Serialize(value), JsonSerializer.Serialize(back[key]));
        Assert.Equal("5", back["count"].GetRawText());
        Assert.Equal("5.0", back["ratio"].GetRawText());
    }

    [Fact]
    public void A_stored_element_the_model_does_not_know_survives_a_read_and_a_rewrite()
    {
        // Legacy data: a window written by another tool with an element this model never had.
        var stored = SampleDocuments.AnomalyEvent().ToBsonDocument();
        stored["window"]["legacy_bucket"] = new BsonDocument { ["size"] = 15, ["unit"] = "min", ["weight"] = 0.5 };
        stored["window"]["legacy_count"] = 5.0;

        var read = BsonSerializer.Deserialize<AnomalyEvent>(stored);
        var rewritten = read.ToBsonDocument();

        // Every stored element is written back with the same value (unknown members in ordinal order after the known ones).
        Assert.Equal(stored["window"].AsBsonDocument.OrderBy(e => e.Name, StringComparer.Ordinal),
            rewritten["window"].AsBsonDocument.OrderBy(e => e.Name, StringComparer.Ordinal));
        Assert.Equal("""{"size":15,"unit":"min","weight":0.5}""", JsonSerializer.Serialize(read.Window.UnknownMembers["legacy_bucket"]));
        Assert.Equal("5.0", read.Window.UnknownMembers["legacy_count"].GetRawText());
        // The known members still read as typed values.
        Assert.Equal(SampleDocuments.At(-30), read.Window.Start);
    }

    [Fact]
    public void The_wire_json_of_an_object_read_from_bson_is_the_json_sent()
    {
        var sent = """{"from":"2026-03-14T14:09:26.535Z","to":"2026-03-14T15:09:26.535Z","duration_hours":1,"a":{"b":[1,2.5,null]},"n":5.0,"z":7}""";
        var window = JsonSerializer.Deserialize<DetectionWindow>(sent, OlorinJson.Options)!;
        var run = SampleDocuments.DetectionRun();
        run.Window = window;

        var back = BsonSerializer.Deserialize<DetectionRun>(run.ToBson());

        Assert.Equal(sent, JsonSerializer.Serialize(back.Window, OlorinJson.Options));
    }

    [Fact]
    public void Typed_filters_and_updates_still_render_the_known_members_paths()
    {
        var serializer = BsonSerializer.LookupSerializer<DetectionRun>();
        var filter = Builders<DetectionRun>.Filter.Gte(r => r.Window.From, SampleDocuments.T0)
            .Render(new RenderArgs<DetectionRun>(serializer, BsonSerializer.SerializerRegistry));
        var update = Builders<SoarPlaybookExecution>.Update.Push(e => e.ActionsExecuted, SampleDocuments.SoarPlaybookExecution().ActionsExecuted[0])
            .Render(new RenderArgs<SoarPlaybookExecution>(BsonSerializer.LookupSerializer<SoarPlaybookExecution>(), BsonSerializer.SerializerRegistry));

        Assert.Equal("window.from", filter.Names.Single());
        Assert.Equal("ratio", update["$push"]["actions_executed"].AsBsonDocument.Names.Last());
        Assert.Equal(BsonType.Double, update["$push"]["actions_executed"]["ratio"].BsonType);
    }
}
