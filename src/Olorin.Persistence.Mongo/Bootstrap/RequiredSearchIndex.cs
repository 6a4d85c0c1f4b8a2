namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>Which setting turns a search index on.</summary>
public enum SearchFeature
{
    /// <summary><c>MONGODB_ENABLE_VECTOR_SEARCH</c>: <c>$vectorSearch</c> over anomaly embeddings.</summary>
    VectorSearch,

    /// <summary><c>MONGODB_ENABLE_ATLAS_SEARCH</c>: <c>$search</c> over investigations.</summary>
    AtlasSearch,
}

/// <summary>An Atlas Search or Vector Search index (created through <c>createSearchIndexes</c>, only if absent).</summary>
public sealed record RequiredSearchIndex(string Collection, string Name, SearchIndexType Type, BsonDocument Definition, SearchFeature Feature)
{
    public CreateSearchIndexModel ToCreateModel() => new(Name, Type, Definition);
}
