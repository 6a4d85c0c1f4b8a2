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
}
