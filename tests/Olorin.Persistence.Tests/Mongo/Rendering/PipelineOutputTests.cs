using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Mapping;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// The other half of a pipeline's contract: the documents its last stage emits (shape taken from the rendered
/// stages) read back into the C# result types with the output serializer the driver will use.
/// </summary>
public sealed class PipelineOutputTests
{
    static PipelineOutputTests() => MongoMapping.Register();

    [Fact]
    public void A_count_per_status_row_reads_the_wire_enum()
    {
        var row = ReadOutput(DetectionRunFilters.CountByStatus("t1", new DetectionRunQuery()), """{ "Status": "running", "Count": 3 }""");
        Assert.Equal(DetectionRunStatus.Running, row.Status);
        Assert.Equal(3, row.Count);

        var legacy = ReadOutput(AuditLogFilters.CountByActionType("t1", DateTime.UnixEpoch, DateTime.UnixEpoch), """{ "Status": "UPDATED", "Count": 1 }""");
        Assert.Equal(AuditActionType.Update, legacy.Status);
    }

    [Fact]
    public void A_scored_document_reads_the_whole_stored_document_and_its_score()
    {
        var stored = new AnomalyEvent { AnomalyId = "a1", TenantId = "t1", Severity = AnomalySeverity.Critical, Embedding = [0.5f, 0.25f] }.ToBsonDocument();
        var output = new BsonDocument { { "document", stored }, { "score", 0.875 } };

        var hit = ReadOutput(AnomalyFilters.ExactCosine("t1", new SimilarityQuery([1f, 0f])), output.ToJson());

        Assert.Equal("a1", hit.Document.AnomalyId);
        Assert.Equal(AnomalySeverity.Critical, hit.Document.Severity);
        Assert.Equal([0.5f, 0.25f], hit.Document.Embedding);
        Assert.Equal(0.875, hit.Score);
    }

    [Fact]
    public void The_duration_summary_and_the_toolkit_statistics_read_their_rows()
    {
        var summary = ReadOutput(DetectionRunFilters.DurationSummary("t1", new DetectionRunQuery()), """{ "Count": 4, "Average": 12.5 }""");
        Assert.Equal((4, 12.5), (summary.Count, summary.Average));

        var stats = ReadOutput(ComposioActionAuditFilters.ToolkitStats("t1", null, null),
            """{ "ToolkitName": "slack", "Total": 5, "Success": 3, "Failed": 1, "Retrying": 1, "TotalRetries": { "$numberLong": "7" } }""");
        Assert.Equal(("slack", 5L, 3L, 1L, 1L, 7L), (stats.ToolkitName, stats.Total, stats.Success, stats.Failed, stats.Retrying, stats.TotalRetries));

        var bucket = ReadOutput(TransactionScoreFilters.Distribution("t1", "i1", 4), """{ "Bucket": 3.0, "Count": 2 }""");
        Assert.Equal((3.0, 2L), (bucket.Bucket, bucket.Count));
    }

    private static TOut ReadOutput<TIn, TOut>(PipelineDefinition<TIn, TOut> pipeline, string outputJson)
    {
        var rendered = pipeline.Render(new RenderArgs<TIn>(BsonSerializer.LookupSerializer<TIn>(), BsonSerializer.SerializerRegistry));
        using var reader = new BsonDocumentReader(BsonDocument.Parse(outputJson));
        return rendered.OutputSerializer.Deserialize(BsonDeserializationContext.CreateRoot(reader));
    }
}
