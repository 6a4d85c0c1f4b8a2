using MongoDB.Bson.Serialization.Attributes;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The output of the ranking pipelines (<c>$vectorSearch</c>, exact cosine, <c>$search</c>, <c>$text</c>): the
/// whole stored document and its score, projected as <c>{ document: "$$ROOT", score: … }</c>.
/// </summary>
public sealed class ScoredDocument<T>
{
    public const string DocumentField = "document";
    public const string ScoreField = "score";

    [BsonElement(DocumentField)]
    public T Document { get; set; } = default!;

    [BsonElement(ScoreField)]
    public double? Score { get; set; }
}
