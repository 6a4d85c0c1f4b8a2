using MongoDB.Bson;

namespace Olorin.Persistence.Mongo.Verification;

/// <summary>
/// Judges one entry of <c>$listSearchIndexes</c> against the vector index Olorin's queries need (used by
/// <c>olorin verify-setup</c>; pure, so it is tested against sample answers without a server). An entry carries
/// <c>name</c>, <c>type</c> (<c>search</c> or <c>vectorSearch</c>), <c>status</c>, <c>queryable</c> and
/// <c>latestDefinition</c> (https://www.mongodb.com/docs/manual/reference/operator/aggregation/listSearchIndexes/#output).
/// A vectorSearch definition lists <c>fields</c> of type <c>vector</c> (path, numDimensions, similarity) and
/// <c>filter</c> (https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-type/).
/// </summary>
public static class VectorSearchIndexRule
{
    public static IReadOnlyList<string> Problems(BsonDocument? entry, string name, int dimensions, IReadOnlyList<string> filterPaths, string embeddingPath = "embedding")
    {
        var expected = Expected(dimensions, filterPaths, embeddingPath);
        if (entry is null)
            return [$"search index '{name}' does not exist on anomaly_events; create it (type vectorSearch) with definition {expected}"];

        var problems = new List<string>();
        var type = entry.GetValue("type", "search").AsString;
        var definition = entry.GetValue("latestDefinition", entry.GetValue("definition", new BsonDocument())).AsBsonDocument;
        if (type != "vectorSearch")
        {
            var knn = FindKnnVector(definition);
            problems.Add(knn is not null
                ? $"'{name}' is an Atlas Search index with a knnVector field ({knn["dimensions"]} dimensions) from the old runbook; "
                  + $"drop it and create a vectorSearch index instead (knnVector → type vector, dimensions → numDimensions {dimensions}, plus the filter fields): {expected}"
                : $"'{name}' has type '{type}'; it must be a vectorSearch index with definition {expected}");
            return problems;
        }

        var fields = definition.GetValue("fields", new BsonArray()).AsBsonArray.OfType<BsonDocument>().ToList();
        var vector = fields.FirstOrDefault(f => f.GetValue("type", "").AsString == "vector" && f.GetValue("path", "").AsString == embeddingPath);
        if (vector is null) problems.Add($"'{name}' has no vector field on '{embeddingPath}'");
        else
        {
            var actualDimensions = vector.GetValue("numDimensions", 0).ToInt32();
            if (actualDimensions != dimensions)
                problems.Add($"'{name}' indexes {actualDimensions} dimensions; the embeddings have {dimensions}: set numDimensions to {dimensions}");
            var similarity = vector.GetValue("similarity", "").AsString;
            if (similarity != "cosine") problems.Add($"'{name}' uses similarity '{similarity}'; the similarity search expects cosine");
        }
        foreach (var path in filterPaths)
            if (!fields.Any(f => f.GetValue("type", "").AsString == "filter" && f.GetValue("path", "").AsString == path))
                problems.Add($"'{name}' has no filter field '{path}', which the queries filter on: add {{type: 'filter', path: '{path}'}}");
        if (!entry.GetValue("queryable", false).ToBoolean())
            problems.Add($"'{name}' is not queryable yet (status {entry.GetValue("status", "unknown")}); wait for the build to finish");
        return problems;
    }

    private static BsonDocument Expected(int dimensions, IReadOnlyList<string> filterPaths, string embeddingPath)
        => new("fields", new BsonArray(
            new[] { new BsonDocument { { "type", "vector" }, { "path", embeddingPath }, { "numDimensions", dimensions }, { "similarity", "cosine" } } }
                .Concat(filterPaths.Select(p => new BsonDocument { { "type", "filter" }, { "path", p } }))));

    private static BsonDocument? FindKnnVector(BsonValue value)
    {
        if (value is BsonDocument document)
        {
            if (document.TryGetValue("type", out var type) && type == "knnVector") return document;
            foreach (var element in document) if (FindKnnVector(element.Value) is { } found) return found;
        }
        else if (value is BsonArray array)
            foreach (var item in array) if (FindKnnVector(item) is { } found) return found;
        return null;
    }
}
