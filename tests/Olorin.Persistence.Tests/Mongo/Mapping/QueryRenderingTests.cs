using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Core.Models;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>Filters and updates written against the models render with stored names and wire values.</summary>
public sealed class QueryRenderingTests
{
    static QueryRenderingTests() => MongoMapping.Register();

    private static string Render<T>(FilterDefinition<T> filter)
        => filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry)).ToJson();

    [Fact]
    public void Linq_enum_comparisons_render_wire_strings()
    {
        Assert.Equal("""{ "tenant_id" : "t", "status" : "IN_PROGRESS" }""",
            Render(Builders<Investigation>.Filter.Where(x => x.TenantId == "t" && x.Status == InvestigationStatus.InProgress)));
        Assert.Equal("""{ "metadata.action_type" : "STATE_CHANGE" }""",
            Render(Builders<AuditLogEntry>.Filter.Where(x => x.Metadata.ActionType == AuditActionType.StateChange)));
        Assert.Equal("""{ "severity" : { "$in" : ["warn", "critical"] } }""",
            Render(Builders<AnomalyEvent>.Filter.In(x => x.Severity, [AnomalySeverity.Warn, AnomalySeverity.Critical])));
    }

    [Fact]
    public void Dates_and_nested_names_render_as_stored()
    {
        var from = SampleDocuments.T0;

        Assert.Equal("""{ "window.from" : { "$gte" : { "$date" : "2026-03-14T15:09:26.535Z" } } }""",
            Render(Builders<DetectionRun>.Filter.Gte(x => x.Window.From, from)));
        Assert.Equal("""{ "metadata.tenant_id" : "t" }""", Render(Builders<DetectionRun>.Filter.Eq(x => x.Metadata.TenantId, "t")));
    }

    [Fact]
    public void Updates_render_with_the_member_serializers()
    {
        var update = Builders<SoarPlaybookExecution>.Update
            .Set(x => x.Status, SoarExecutionStatus.Failed)
            .Push(x => x.ActionsExecuted, new SoarActionResult { ActionId = "a", StartedAt = SampleDocuments.T0 });

        var rendered = update.Render(new RenderArgs<SoarPlaybookExecution>(
            BsonSerializer.LookupSerializer<SoarPlaybookExecution>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

        Assert.Equal("failed", rendered["$set"]["status"].AsString);
        Assert.Equal("a", rendered["$push"]["actions_executed"]["action_id"].AsString);
    }
}
