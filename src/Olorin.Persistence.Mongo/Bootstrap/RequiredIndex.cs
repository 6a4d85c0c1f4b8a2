namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// A regular (B-tree or text) index Olorin needs. Unnamed indexes get the server's default name
/// (<c>tenant_id_1_created_at_-1</c>), so indexes the reference application already created are recognised.
/// </summary>
public sealed record RequiredIndex(string Collection, BsonDocument Keys, bool Unique = false, string? ExplicitName = null)
{
    /// <summary>Text indexes only: field weights (relative importance in the score).</summary>
    public BsonDocument? Weights { get; init; }

    /// <summary>Text indexes only: <c>"none"</c> disables stemming and stop words.</summary>
    public string? DefaultLanguage { get; init; }

    /// <summary>Text indexes only: the per-document language field (moved away from <c>language</c>, see the catalog).</summary>
    public string? LanguageOverride { get; init; }

    /// <summary>
    /// Only wanted while Atlas Search does not serve the queries it would serve (<see cref="IndexCatalog.IsWanted"/>):
    /// the <c>$text</c> fallback's index.
    /// </summary>
    public bool UnlessAtlasSearchServes { get; init; }

    /// <summary>
    /// A partial index: only documents matching this filter are indexed, and the planner uses the index only for a
    /// query whose predicate implies it (https://www.mongodb.com/docs/manual/core/index-partial/#query-coverage).
    /// </summary>
    public BsonDocument? PartialFilter { get; init; }

    public string Name => ExplicitName ?? string.Join("_", Keys.Select(k => $"{k.Name}_{k.Value}"));

    public bool IsText => Keys.Values.Any(v => v == "text");

    /// <summary>
    /// The index as it can exist on a time series: not unique ("These index types aren't supported: … Unique
    /// indexes", https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#secondary-indexes). Same
    /// name, since default names do not spell uniqueness.
    /// </summary>
    public RequiredIndex OnTimeSeries() => this with { Unique = false };

    /// <summary>The index as the <c>createIndexes</c> command sends (and <c>listIndexes</c> returns) it.</summary>
    public BsonDocument ToSpec()
    {
        var spec = new BsonDocument { { "key", Keys.DeepClone() }, { "name", Name } };
        if (Unique) spec.Add("unique", true);
        if (Weights is not null) spec.Add("weights", Weights.DeepClone());
        if (DefaultLanguage is not null) spec.Add("default_language", DefaultLanguage);
        if (LanguageOverride is not null) spec.Add("language_override", LanguageOverride);
        if (PartialFilter is not null) spec.Add("partialFilterExpression", PartialFilter.DeepClone());
        return spec;
    }

    public CreateIndexModel<BsonDocument> ToCreateModel()
    {
        var options = new CreateIndexOptions<BsonDocument> { Name = Name };
        if (Unique) options.Unique = true;
        if (Weights is not null) options.Weights = Weights;
        if (DefaultLanguage is not null) options.DefaultLanguage = DefaultLanguage;
        if (LanguageOverride is not null) options.LanguageOverride = LanguageOverride;
        if (PartialFilter is not null) options.PartialFilterExpression = new BsonDocumentFilterDefinition<BsonDocument>(PartialFilter.DeepClone().AsBsonDocument);
        return new CreateIndexModel<BsonDocument>(new BsonDocumentIndexKeysDefinition<BsonDocument>(Keys), options);
    }

    /// <summary>
    /// Whether an index reported by <c>listIndexes</c> is this one: the same keys and uniqueness, under our name or
    /// another (an index created by hand or by the reference application). Our name on other keys or uniqueness is
    /// drift, not a match: bootstrap then tries to create ours and reports the server's conflict.
    /// </summary>
    public bool IsSatisfiedBy(BsonDocument existing)
    {
        var keys = existing.GetValue("key", new BsonDocument()).AsBsonDocument;
        return IsText
            ? IsSameTextIndex(keys, existing)
            : SameKeys(keys, Keys) && existing.GetValue("unique", false).ToBoolean() == Unique && SamePartialFilter(existing);
    }

    // A partial index serves only the queries that imply its filter, and a full one is not a partial one: both must
    // agree (listIndexes reports the filter as partialFilterExpression).
    private bool SamePartialFilter(BsonDocument existing)
        => existing.TryGetValue("partialFilterExpression", out var filter)
            ? PartialFilter is not null && filter.Equals(PartialFilter)
            : PartialFilter is null;

    // listIndexes reports a text index as its prefix keys plus _fts/_ftsx, with the weights (including "$**")
    // beside it, so compare the prefix keys and the weights.
    private bool IsSameTextIndex(BsonDocument existingKeys, BsonDocument existing)
    {
        if (!existingKeys.Contains("_fts")) return false;
        var prefix = new BsonDocument(existingKeys.Where(k => k.Name is not "_fts" and not "_ftsx"));
        var ourPrefix = new BsonDocument(Keys.Where(k => k.Value != "text"));
        var weights = existing.GetValue("weights", new BsonDocument()).AsBsonDocument;
        var wildcard = Keys.Contains("$**");
        return SameKeys(prefix, ourPrefix)
            && (!wildcard || weights.Contains("$**"))
            && (Weights ?? []).All(w => weights.TryGetValue(w.Name, out var v) && v.ToDouble() == w.Value.ToDouble());
    }

    /// <summary>
    /// Same fields in the same order with the same directions, whatever number type spells them: the legacy
    /// <c>mongo</c> shell sent <c>1</c> as a double, so <c>listIndexes</c> can report <c>1.0</c> for our <c>1</c>.
    /// </summary>
    public static bool SameKeys(BsonDocument existing, BsonDocument required)
        => existing.ElementCount == required.ElementCount
           && existing.Zip(required).All(pair => pair.First.Name == pair.Second.Name && SameDirection(pair.First.Value, pair.Second.Value));

    private static bool SameDirection(BsonValue existing, BsonValue required)
        => existing.IsNumeric && required.IsNumeric ? existing.ToDouble() == required.ToDouble() : existing.Equals(required);
}
