using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// Renders builder definitions to the BSON the driver sends, with the adapter's class maps and no server
/// (MongoDB.Driver 3.x <see cref="RenderArgs{TDocument}"/>), and compares them to the expected MQL.
/// </summary>
internal static class Rendered
{
    static Rendered() => MongoMapping.Register();

    public static BsonDocument Filter<T>(FilterDefinition<T> filter) => filter.Render(Args<T>());

    public static BsonDocument Update<T>(UpdateDefinition<T> update) => update.Render(Args<T>()).AsBsonDocument;

    public static BsonDocument Sort<T>(SortDefinition<T> sort) => sort.Render(Args<T>());

    public static BsonDocument Projection<T>(ProjectionDefinition<T, T> projection) => projection.Render(Args<T>()).Document;

    public static BsonArray Pipeline<TIn, TOut>(PipelineDefinition<TIn, TOut> pipeline)
        => new(pipeline.Render(Args<TIn>()).Documents);

    /// <summary>Asserts BSON equality (types included: Int32 ≠ Int64 ≠ Double), showing both as JSON on failure.</summary>
    public static void Equal(string expectedJson, BsonDocument actual)
    {
        var expected = BsonDocument.Parse(expectedJson);
        Assert.True(expected.Equals(actual), $"expected: {expected}\nactual:   {actual}");
    }

    public static void Equal(string expectedJsonArray, BsonArray actual)
    {
        var expected = BsonSerializer.Deserialize<BsonArray>(expectedJsonArray);
        Assert.True(expected.Equals(actual), $"expected: {expected}\nactual:   {actual}");
    }

    private static RenderArgs<T> Args<T>() => new(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry);
}
