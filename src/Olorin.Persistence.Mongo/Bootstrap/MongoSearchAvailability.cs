using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// Whether <c>$vectorSearch</c> / <c>$search</c> may be used right now. Starts from what start-up judged
/// (<see cref="MongoCapabilities"/>) and re-judges the search indexes from <c>$listSearchIndexes</c> at most once per
/// <see cref="RecheckInterval"/>, so an index that finishes building is taken up, and one that is dropped, rebuilt or
/// FAILED is noticed (the fallbacks serve meanwhile; an index answers queries only once its listing says
/// <c>queryable: true</c>, https://www.mongodb.com/docs/manual/reference/operator/aggregation/listSearchIndexes/#output).
/// A listing that fails keeps the previous answer. Only one caller
/// re-checks at a time; the others use the answer in hand.
/// </summary>
public sealed class MongoSearchAvailability
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ListingTimeout = TimeSpan.FromSeconds(3);

    private readonly IMongoDatabase _database;
    private readonly MongoSettings _settings;
    private readonly IndexCatalog _catalog;
    private readonly bool _supported;
    private readonly TimeProvider _clock;
    private Snapshot _current;
    private int _checking;

    public MongoSearchAvailability(IMongoDatabase database, MongoSettings settings, MongoCapabilities capabilities, TimeProvider clock)
    {
        _database = database;
        _settings = settings;
        _catalog = IndexCatalog.For(settings);
        _supported = capabilities.SearchIndexesSupported;
        _clock = clock;
        _current = new Snapshot(capabilities.VectorSearchAvailable, capabilities.AtlasSearchAvailable, capabilities.InvestigationVectorSearchAvailable, clock.GetUtcNow());
    }

    public async ValueTask<bool> VectorSearchUsableAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).Vector;

    public async ValueTask<bool> AtlasSearchUsableAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).Search;

    /// <summary>Whether <c>$vectorSearch</c> on <c>investigations_vector</c> (semantic investigation search) may be used.</summary>
    public async ValueTask<bool> InvestigationVectorSearchUsableAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).InvestigationVector;

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (!_supported || _clock.GetUtcNow() - current.CheckedAt < RecheckInterval) return current;
        if (Interlocked.CompareExchange(ref _checking, 1, 0) != 0) return current;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ListingTimeout);
            var verdicts = await MongoBootstrapper.JudgeSearchIndexesAsync(_database, _catalog, deadline.Token);
            _current = new Snapshot(
                _settings.EnableVectorSearch && verdicts.IsUsable(_settings.VectorSearchIndex),
                _settings.EnableAtlasSearch && verdicts.IsUsable(IndexCatalog.InvestigationsSearchIndex),
                _settings.EnableVectorSearch && verdicts.IsUsable(IndexCatalog.InvestigationsVectorIndex),
                _clock.GetUtcNow());
        }
        catch (Exception e) when (e is MongoException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _current = current with { CheckedAt = _clock.GetUtcNow() }; // keep the answer; try again after the interval
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
        return _current;
    }

    private sealed record Snapshot(bool Vector, bool Search, bool InvestigationVector, DateTimeOffset CheckedAt);
}
