namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>What one bootstrap pass did. <see cref="Problems"/> lists what could not be created (redacted).</summary>
public sealed record BootstrapReport(
    IReadOnlyList<string> CollectionsCreated,
    IReadOnlyList<string> IndexesEnsured,
    bool SearchIndexesSupported,
    IReadOnlyList<string> SearchIndexesCreated,
    IReadOnlyList<string> SearchIndexesPresent,
    IReadOnlyList<string> Problems)
{
    /// <summary>The collections that are time series on the server after this pass (found so, or created so).</summary>
    public IReadOnlyList<string> TimeSeriesCollections { get; init; } = [];

    /// <summary>Indexes missing on collections that hold documents, left for a background build (or bootstrap-mongodb).</summary>
    public IReadOnlyList<RequiredIndex> DeferredIndexes { get; init; } = [];

    /// <summary>Indexes this pass dropped (collection.name): superseded ones, and the text index where Atlas Search serves.</summary>
    public IReadOnlyList<string> IndexesDropped { get; init; } = [];

    /// <summary>Each enabled search index as judged by <see cref="SearchIndexCheck"/> (empty where search indexes are unsupported).</summary>
    public SearchIndexVerdicts SearchIndexes { get; init; } = SearchIndexVerdicts.None;
}
