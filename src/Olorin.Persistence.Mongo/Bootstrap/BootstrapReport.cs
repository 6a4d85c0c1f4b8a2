namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>What one bootstrap pass did. <see cref="Problems"/> lists what could not be created (redacted).</summary>
public sealed record BootstrapReport(
    IReadOnlyList<string> CollectionsCreated,
    IReadOnlyList<string> IndexesEnsured,
    bool SearchIndexesSupported,
    IReadOnlyList<string> SearchIndexesCreated,
    IReadOnlyList<string> SearchIndexesPresent,
    IReadOnlyList<string> Problems);
