namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// What the server reports for one required search index, and whether the queries may use it.
/// </summary>
/// <param name="Collection">The collection the index belongs to.</param>
/// <param name="Name">The index name.</param>
/// <param name="Exists">Whether <c>$listSearchIndexes</c> listed it.</param>
/// <param name="Status">The listed <c>status</c> (PENDING, BUILDING, READY, STALE, FAILED, DELETING …), null when absent.</param>
/// <param name="Queryable">The listed <c>queryable</c> flag.</param>
/// <param name="DefinitionProblems">How the listed definition differs from what the queries need (empty when it fits).</param>
public sealed record SearchIndexVerdict(
    string Collection, string Name, bool Exists, string? Status, bool Queryable, IReadOnlyList<string> DefinitionProblems)
{
    /// <summary>Queries may use it: it exists, is queryable, has not failed, and its definition fits the queries.</summary>
    public bool Usable => Exists && Queryable && Status is not ("FAILED" or "DELETING" or "DOES_NOT_EXIST") && DefinitionProblems.Count == 0;

    /// <summary>One line for <c>/status/mongodb</c>, bootstrap logs and <c>verify-setup</c>; null when usable.</summary>
    public string? Problem => Usable ? null
        : !Exists ? $"Search index {Name} on {Collection} does not exist; the fallback is used."
        : DefinitionProblems.Count > 0
            ? $"Search index {Name} on {Collection} does not fit the queries, so the fallback is used: {string.Join("; ", DefinitionProblems)}. " +
              "Drop it and run bootstrap-mongodb (or update it to the catalog definition)."
            : $"Search index {Name} on {Collection} is not queryable yet (status {Status ?? "unknown"}); the fallback is used meanwhile.";
}

/// <summary>
/// Judges a <c>$listSearchIndexes</c> entry (fields <c>name</c>, <c>type</c>, <c>status</c>, <c>queryable</c>,
/// <c>latestDefinition</c>: https://www.mongodb.com/docs/manual/reference/operator/aggregation/listSearchIndexes/#output)
/// against the catalog's definition, by what the queries rely on rather than by name:
/// <list type="bullet">
/// <item><c>$vectorSearch</c> needs its path indexed "as Atlas Vector Search vector type inside a vectorSearch index
/// type", each pre-filter field indexed as a <c>filter</c> field, and the query vector's length equal to
/// <c>numDimensions</c> (https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-stage/ ,
/// https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-type/); the similarity must be cosine, which
/// the score conversion assumes. The old runbook's <c>knnVector</c> in a <c>search</c> index, or 768 dimensions, fail this.</item>
/// <item><c>$search</c> with <c>equals</c> on <c>tenant_id</c> needs it indexed as <c>token</c>
/// (https://www.mongodb.com/docs/atlas/atlas-search/equals/), and the text paths indexed as <c>string</c>, statically
/// or through a dynamic mapping (https://www.mongodb.com/docs/atlas/atlas-search/define-field-mappings/).</item>
/// <item>A new index builds asynchronously and is not used before <c>queryable</c> is true; "Atlas Vector Search doesn't
/// return results if … the index doesn't already exist" (vector-search-stage page).</item>
/// </list>
/// </summary>
public static class SearchIndexCheck
{
    /// <summary>The string paths the investigation search queries (besides the wildcard findings path).</summary>
    public static IReadOnlyList<string> InvestigationTextPaths { get; } =
        ["settings.name", "settings.entity_value", "settings.entities.entity_value", "results.summary", "results.findings"];

    /// <param name="required">The catalog's index.</param>
    /// <param name="listed">Its <c>$listSearchIndexes</c> entry, or null when not listed.</param>
    public static SearchIndexVerdict Judge(RequiredSearchIndex required, BsonDocument? listed)
    {
        if (listed is null) return new SearchIndexVerdict(required.Collection, required.Name, false, null, false, []);
        var status = listed.GetValue("status", BsonNull.Value) is { IsString: true } s ? s.AsString : null;
        var queryable = listed.GetValue("queryable", false) is { IsBoolean: true } q && q.AsBoolean;
        var definition = listed.GetValue("latestDefinition", BsonNull.Value) is { IsBsonDocument: true } d ? d.AsBsonDocument : [];
        var type = listed.GetValue("type", "search").AsString;
        var problems = required.Type == SearchIndexType.VectorSearch
            ? VectorProblems(required.Definition, type, definition)
            : SearchProblems(type, definition);
        return new SearchIndexVerdict(required.Collection, required.Name, true, status, queryable, problems);
    }

    private static List<string> VectorProblems(BsonDocument wanted, string type, BsonDocument definition)
    {
        var problems = new List<string>();
        if (type != "vectorSearch")
        {
            problems.Add($"it is a '{type}' index, but $vectorSearch needs a 'vectorSearch' index (a knnVector mapping in a search index does not serve it)");
            return problems;
        }
        var fields = definition.GetValue("fields", new BsonArray()).AsBsonArray.OfType<BsonDocument>().ToList();
        var wantedVector = wanted["fields"].AsBsonArray.OfType<BsonDocument>().Single(f => f["type"] == "vector");
        var path = wantedVector["path"].AsString;
        var vector = fields.FirstOrDefault(f => f.GetValue("type", "") == "vector" && f.GetValue("path", "") == path);
        if (vector is null)
        {
            problems.Add($"no vector field on '{path}'");
        }
        else
        {
            var dimensions = vector.GetValue("numDimensions", BsonNull.Value);
            if (!dimensions.IsNumeric || dimensions.ToInt32() != wantedVector["numDimensions"].ToInt32())
                problems.Add($"'{path}' has numDimensions {dimensions} instead of {wantedVector["numDimensions"]}");
            var similarity = vector.GetValue("similarity", BsonNull.Value);
            if (similarity != wantedVector["similarity"])
                problems.Add($"'{path}' uses similarity {similarity} instead of {wantedVector["similarity"]}");
        }
        foreach (var filter in wanted["fields"].AsBsonArray.OfType<BsonDocument>().Where(f => f["type"] == "filter").Select(f => f["path"].AsString))
        {
            if (!fields.Any(f => f.GetValue("type", "") == "filter" && f.GetValue("path", "") == filter))
                problems.Add($"'{filter}' is not a filter field");
        }
        return problems;
    }

    private static List<string> SearchProblems(string type, BsonDocument definition)
    {
        var problems = new List<string>();
        if (type != "search")
        {
            problems.Add($"it is a '{type}' index, but $search needs a 'search' index");
            return problems;
        }
        var mappings = definition.GetValue("mappings", new BsonDocument()).AsBsonDocument;
        if (!MappedAs(mappings, "tenant_id", "token", dynamicCovers: false))
            problems.Add("'tenant_id' is not mapped as token (needed to filter the tenant with equals)");
        foreach (var path in InvestigationTextPaths.Where(p => !MappedAs(mappings, p, p == "results.findings" ? "document" : "string", dynamicCovers: true)))
            problems.Add($"'{path}' is not indexed as {(path == "results.findings" ? "a document" : "string")}");
        return problems;
    }

    /// <summary>
    /// Whether <paramref name="path"/> is mapped with <paramref name="type"/> (a field mapping may be one type or an
    /// array of types), or — when <paramref name="dynamicCovers"/> — falls under a dynamic mapping on the way.
    /// </summary>
    private static bool MappedAs(BsonDocument mapping, string path, string type, bool dynamicCovers)
    {
        var current = mapping;
        foreach (var segment in path.Split('.'))
        {
            var fields = current.GetValue("fields", new BsonDocument()).AsBsonDocument;
            if (!fields.TryGetValue(segment, out var field))
                return dynamicCovers && current.GetValue("dynamic", false) is { IsBoolean: true, AsBoolean: true };
            var candidates = field.IsBsonArray ? field.AsBsonArray.OfType<BsonDocument>().ToList() : field.IsBsonDocument ? [field.AsBsonDocument] : [];
            var next = candidates.FirstOrDefault(c => c.GetValue("type", "") == "document");
            if (segment == path.Split('.')[^1])
                return candidates.Any(c => c.GetValue("type", "") == type) || (dynamicCovers && next?.GetValue("dynamic", false) is { IsBoolean: true, AsBoolean: true });
            if (next is null) return false;
            current = next;
        }
        return false;
    }
}

/// <summary>The verdicts of one listing, by index name.</summary>
public sealed class SearchIndexVerdicts(IEnumerable<SearchIndexVerdict> verdicts)
{
    public static SearchIndexVerdicts None { get; } = new([]);

    public IReadOnlyDictionary<string, SearchIndexVerdict> ByName { get; } = verdicts.ToDictionary(v => v.Name, StringComparer.Ordinal);

    public bool IsUsable(string name) => ByName.TryGetValue(name, out var verdict) && verdict.Usable;
}
