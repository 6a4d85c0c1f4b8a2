using Microsoft.Extensions.Logging;

namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// Creates whatever the <see cref="IndexCatalog"/> requires and the database lacks; running it again changes
/// nothing. It never alters what exists, and drops only superseded indexes (<see cref="IndexCatalog.Superseded"/>) and the
/// <c>$text</c> index where Atlas Search serves (<see cref="IndexCatalog.IsWanted"/>): a conflicting index or a collection of the wrong kind is reported in
/// <see cref="BootstrapReport.Problems"/> and left for an operator.
/// </summary>
public static partial class MongoBootstrapper
{
    private const int NamespaceExists = 48;

    /// <summary>
    /// Collections, then — where the server manages search indexes (probed once the collections exist) — the enabled
    /// search indexes, each judged by <see cref="SearchIndexCheck"/>, then the regular indexes: the wildcard
    /// <c>$text</c> index only while <c>investigations_search</c> does not serve (<see cref="IndexCatalog.IsWanted"/>).
    /// On a switch the next bootstrap (start-up or bootstrap-mongodb) follows: once the search index is usable the
    /// text index is dropped; if it stops being usable (dropped, FAILED, redefined) the text index is built again —
    /// on a populated collection in the background — and until it stands a full-text search that falls back to
    /// <c>$text</c> is refused by the server ("text index required", IndexNotFound), which the API reports as 503
    /// (<see cref="Health.MongoFailureClassifier"/>). With
    /// <paramref name="deferBuildsOnPopulatedCollections"/>, an index missing on a collection that already holds
    /// documents is not built but listed in <see cref="BootstrapReport.DeferredIndexes"/> (see <see cref="MongoStartup"/>).
    /// </summary>
    public static async Task<BootstrapReport> EnsureAsync(
        IMongoDatabase database, IndexCatalog catalog, ILogger logger, CancellationToken cancellationToken, bool deferBuildsOnPopulatedCollections = false)
    {
        var problems = new List<string>();
        var (created, timeSeries) = await EnsureCollectionsAsync(database, catalog, problems, logger, cancellationToken);
        var searchSupported = await MongoCapabilityProbe.SearchIndexesSupportedAsync(
            database.GetCollection<BsonDocument>(MongoCollectionNames.Investigations), cancellationToken);
        var (searchCreated, verdicts) = searchSupported
            ? await EnsureSearchIndexesAsync(database, catalog, problems, logger, cancellationToken)
            : ([], []);
        var search = new SearchIndexVerdicts(verdicts);
        var (indexes, deferred, dropped) = await EnsureIndexesAsync(
            database, catalog, timeSeries, deferBuildsOnPopulatedCollections ? created : null, AtlasSearchServes(catalog, search),
            problems, logger, cancellationToken);
        return new BootstrapReport(created, indexes, searchSupported, searchCreated, verdicts.Where(v => v.Exists).Select(v => v.Name).ToList(), problems)
        {
            TimeSeriesCollections = timeSeries,
            DeferredIndexes = deferred,
            SearchIndexes = search,
            IndexesDropped = dropped,
        };
    }

    /// <summary>
    /// Builds indexes bootstrap deferred (no deadline of its own: a build on a populated collection takes what it
    /// takes). Returns the problems; a build that fails is reported, never thrown.
    /// </summary>
    public static async Task<IReadOnlyList<string>> BuildDeferredIndexesAsync(
        IMongoDatabase database, IReadOnlyList<RequiredIndex> deferred, ILogger logger, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var index in deferred)
            await CreateIndexAsync(database.GetCollection<BsonDocument>(index.Collection), index, problems, logger, cancellationToken);
        return problems;
    }

    private static async Task<(List<string> Created, List<string> TimeSeries)> EnsureCollectionsAsync(
        IMongoDatabase database, IndexCatalog catalog, List<string> problems, ILogger logger, CancellationToken cancellationToken)
    {
        var existing = await ExistingCollectionsAsync(database, cancellationToken);
        var created = new List<string>();
        var timeSeries = new List<string>();
        foreach (var collection in catalog.Collections)
        {
            if (existing.TryGetValue(collection.Name, out var info))
            {
                if (IsTimeSeries(info)) timeSeries.Add(collection.Name);
                if (KindMismatch(collection, info) is { } mismatch) problems.Add(mismatch);
                continue;
            }
            try
            {
                await database.CreateCollectionAsync(collection.Name, collection.ToCreateOptions(), cancellationToken);
                created.Add(collection.Name);
                if (collection.TimeSeries is not null) timeSeries.Add(collection.Name);
                LogCreatedCollection(logger, collection.Name, collection.TimeSeries is not null);
            }
            catch (MongoCommandException e) when (e.Code == NamespaceExists)
            {
                // Created concurrently by another instance starting up (with the same settings, presumably).
                if (collection.TimeSeries is not null) timeSeries.Add(collection.Name);
            }
        }
        return (created, timeSeries);
    }

    /// <summary>Whether a <c>listCollections</c> entry is a time series.</summary>
    public static bool IsTimeSeries(BsonDocument collectionInfo) => CollectionKindCheck.IsTimeSeries(collectionInfo);

    /// <summary>
    /// The problem when an existing collection is not of the kind the settings ask for, in either direction; null
    /// when it is. The repositories follow what exists (<see cref="MongoCapabilities.TimeSeriesCollections"/>).
    /// </summary>
    public static string? KindMismatch(RequiredCollection required, BsonDocument existingInfo) => CollectionKindCheck.Judge(required, existingInfo).Problem;

    /// <summary>Whether <c>investigations_search</c> is in the catalog (enabled) and usable now.</summary>
    public static bool AtlasSearchServes(IndexCatalog catalog, SearchIndexVerdicts search)
        => catalog.SearchIndexes.Any(i => i.Name == IndexCatalog.InvestigationsSearchIndex) && search.IsUsable(IndexCatalog.InvestigationsSearchIndex);

    /// <param name="buildOnlyIn">When set, missing indexes are built only on these (just created) collections and on
    /// empty ones; the rest are returned as deferred.</param>
    /// <param name="atlasSearchServes">Leaves out (and drops) the indexes <see cref="IndexCatalog.IsWanted"/> says are not wanted then.</param>
    private static async Task<(List<string> Ensured, List<RequiredIndex> Deferred, List<string> Dropped)> EnsureIndexesAsync(
        IMongoDatabase database, IndexCatalog catalog, IReadOnlyCollection<string> timeSeries, IReadOnlyCollection<string>? buildOnlyIn,
        bool atlasSearchServes, List<string> problems, ILogger logger, CancellationToken cancellationToken)
    {
        var ensured = new List<string>();
        var deferred = new List<RequiredIndex>();
        var dropped = new List<string>();
        foreach (var group in catalog.Indexes.GroupBy(i => i.Collection))
        {
            var collection = database.GetCollection<BsonDocument>(group.Key);
            var existing = await ExistingIndexesAsync(collection, cancellationToken);
            bool? populated = null;
            foreach (var required in group)
            {
                var index = timeSeries.Contains(group.Key) ? required.OnTimeSeries() : required;
                if (!IndexCatalog.IsWanted(index, atlasSearchServes))
                {
                    foreach (var unwanted in existing.Where(index.IsSatisfiedBy))
                    {
                        if (await DropAsync(collection, unwanted.GetValue("name", "").AsString, problems, logger, cancellationToken))
                            dropped.Add($"{group.Key}.{unwanted["name"].AsString}");
                    }
                    continue;
                }
                if (existing.Any(index.IsSatisfiedBy))
                {
                    ensured.Add($"{group.Key}.{index.Name}");
                    continue;
                }
                if (buildOnlyIn is not null && !buildOnlyIn.Contains(group.Key)
                    && (populated ??= await collection.Find(FilterDefinition<BsonDocument>.Empty).Limit(1).AnyAsync(cancellationToken)))
                {
                    deferred.Add(index);
                    problems.Add($"Index {index.Name} on {group.Key} is missing; {group.Key} holds documents, so it is built in the background (or by bootstrap-mongodb).");
                    continue;
                }
                if (await CreateIndexAsync(collection, index, problems, logger, cancellationToken)) ensured.Add($"{group.Key}.{index.Name}");
            }
            dropped.AddRange(await DropSupersededAsync(
                collection, group.Key, existing, group.Select(i => i.Name).ToHashSet(StringComparer.Ordinal), problems, logger, cancellationToken));
        }
        return (ensured, deferred, dropped);
    }

    /// <summary>
    /// Drops the superseded indexes of <paramref name="collectionName"/> (<see cref="IndexCatalog.Superseded"/>), only
    /// once every index the catalog wants there exists (no problem reported on the collection, nothing deferred).
    /// </summary>
    private static async Task<List<string>> DropSupersededAsync(
        IMongoCollection<BsonDocument> collection, string collectionName, List<BsonDocument> existing, HashSet<string> required,
        List<string> problems, ILogger logger, CancellationToken cancellationToken)
    {
        var dropped = new List<string>();
        if (problems.Any(p => p.Contains($" on {collectionName} ", StringComparison.Ordinal))) return dropped;
        foreach (var (_, name) in IndexCatalog.Superseded.Where(s => s.Collection == collectionName))
        {
            if (required.Contains(name) || !existing.Any(i => i.GetValue("name", "").AsString == name)) continue;
            if (await DropAsync(collection, name, problems, logger, cancellationToken)) dropped.Add($"{collectionName}.{name}");
        }
        return dropped;
    }

    private static async Task<bool> DropAsync(
        IMongoCollection<BsonDocument> collection, string name, List<string> problems, ILogger logger, CancellationToken cancellationToken)
    {
        var collectionName = collection.CollectionNamespace.CollectionName;
        try
        {
            // https://www.mongodb.com/docs/manual/reference/method/db.collection.dropIndex/ — drop by index name.
            await collection.Indexes.DropOneAsync(name, cancellationToken);
            LogDroppedIndex(logger, collectionName, name);
            return true;
        }
        catch (MongoCommandException e)
        {
            problems.Add($"Index {name} on {collectionName} could not be dropped: {e.CodeName} ({e.Code}): {e.ErrorMessage}");
            return false;
        }
    }

    private static async Task<bool> CreateIndexAsync(
        IMongoCollection<BsonDocument> collection, RequiredIndex index, List<string> problems, ILogger logger, CancellationToken cancellationToken)
    {
        var name = collection.CollectionNamespace.CollectionName;
        try
        {
            await collection.Indexes.CreateOneAsync(index.ToCreateModel(), cancellationToken: cancellationToken);
            LogCreatedIndex(logger, name, index.Name);
            return true;
        }
        catch (MongoCommandException e)
        {
            problems.Add($"Index {index.Name} on {name} could not be created: {e.CodeName} ({e.Code}): {e.ErrorMessage}");
            LogIndexFailed(logger, name, index.Name, e.CodeName);
            return false;
        }
    }

    /// <summary>
    /// Judges each enabled search index as listed (<see cref="SearchIndexCheck"/>) and creates the absent ones (which
    /// then build asynchronously: not queryable yet). An existing index that does not fit is reported, never replaced.
    /// </summary>
    private static async Task<(List<string> Created, List<SearchIndexVerdict> Verdicts)> EnsureSearchIndexesAsync(
        IMongoDatabase database, IndexCatalog catalog, List<string> problems, ILogger logger, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        var verdicts = new List<SearchIndexVerdict>();
        foreach (var index in catalog.SearchIndexes)
        {
            var collection = database.GetCollection<BsonDocument>(index.Collection);
            var listed = await ListSearchIndexesAsync(collection, cancellationToken);
            if (listed.TryGetValue(index.Name, out var entry))
            {
                var verdict = SearchIndexCheck.Judge(index, entry);
                verdicts.Add(verdict);
                if (verdict.Problem is { } problem) problems.Add(problem);
                continue;
            }
            try
            {
                await collection.SearchIndexes.CreateOneAsync(index.ToCreateModel(), cancellationToken);
                created.Add(index.Name);
                verdicts.Add(new SearchIndexVerdict(index.Collection, index.Name, true, "PENDING", false, []));
                LogCreatedSearchIndex(logger, index.Collection, index.Name);
            }
            catch (MongoCommandException e)
            {
                verdicts.Add(SearchIndexCheck.Judge(index, listed: null));
                problems.Add($"Search index {index.Name} on {index.Collection} could not be created: {e.CodeName} ({e.Code}): {e.ErrorMessage}");
                LogIndexFailed(logger, index.Collection, index.Name, e.CodeName);
            }
        }
        return (created, verdicts);
    }

    /// <summary>The collection's <c>$listSearchIndexes</c> entries by name.</summary>
    public static async Task<Dictionary<string, BsonDocument>> ListSearchIndexesAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
    {
        using var cursor = await collection.SearchIndexes.ListAsync(cancellationToken: cancellationToken);
        var indexes = await cursor.ToListAsync(cancellationToken);
        return indexes.ToDictionary(i => i["name"].AsString, StringComparer.Ordinal);
    }

    /// <summary>The catalog's search indexes judged as they stand (<see cref="SearchIndexCheck"/>); a command error propagates.</summary>
    public static async Task<SearchIndexVerdicts> JudgeSearchIndexesAsync(IMongoDatabase database, IndexCatalog catalog, CancellationToken cancellationToken)
    {
        var verdicts = new List<SearchIndexVerdict>();
        foreach (var index in catalog.SearchIndexes)
        {
            var listed = await ListSearchIndexesAsync(database.GetCollection<BsonDocument>(index.Collection), cancellationToken);
            verdicts.Add(SearchIndexCheck.Judge(index, listed.GetValueOrDefault(index.Name)));
        }
        return new SearchIndexVerdicts(verdicts);
    }

    /// <summary>
    /// Whether <c>investigations_search</c> serves now, which decides the indexes the bootstrap wants
    /// (<see cref="IndexCatalog.IsWanted"/>); false on a deployment without search indexes, where
    /// <c>$listSearchIndexes</c> is a command error
    /// (https://www.mongodb.com/docs/manual/reference/operator/aggregation/listSearchIndexes/). For the operator tools.
    /// </summary>
    public static async Task<bool> AtlasSearchServesAsync(IMongoDatabase database, IndexCatalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            return AtlasSearchServes(catalog, await JudgeSearchIndexesAsync(database, catalog, cancellationToken));
        }
        catch (MongoCommandException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until every required search index is queryable (a new one builds asynchronously), or the timeout passes.
    /// Returns the names still not queryable.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WaitForSearchIndexesAsync(
        IMongoDatabase database, IndexCatalog catalog, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pending = new List<string>();
            foreach (var index in catalog.SearchIndexes)
            {
                var collection = database.GetCollection<BsonDocument>(index.Collection);
                using var cursor = await collection.SearchIndexes.ListAsync(index.Name, cancellationToken: cancellationToken);
                var info = await cursor.FirstOrDefaultAsync(cancellationToken);
                if (info is null || !info.GetValue("queryable", false).ToBoolean()) pending.Add(index.Name);
            }
            if (pending.Count == 0 || DateTime.UtcNow >= deadline) return pending;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    public static async Task<Dictionary<string, BsonDocument>> ExistingCollectionsAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        using var cursor = await database.ListCollectionsAsync(cancellationToken: cancellationToken);
        var collections = await cursor.ToListAsync(cancellationToken);
        return collections.ToDictionary(c => c["name"].AsString, StringComparer.Ordinal);
    }

    public static async Task<List<BsonDocument>> ExistingIndexesAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
    {
        using var cursor = await collection.Indexes.ListAsync(cancellationToken);
        return await cursor.ToListAsync(cancellationToken);
    }

    public static async Task<HashSet<string>> SearchIndexNamesAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
        => (await ListSearchIndexesAsync(collection, cancellationToken)).Keys.ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: created collection {Collection} (time series: {TimeSeries})")]
    private static partial void LogCreatedCollection(ILogger logger, string collection, bool timeSeries);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: created index {Index} on {Collection}")]
    private static partial void LogCreatedIndex(ILogger logger, string collection, string index);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: dropped index {Index} on {Collection} (superseded, or not wanted with this search setup)")]
    private static partial void LogDroppedIndex(ILogger logger, string collection, string index);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: created search index {Index} on {Collection}")]
    private static partial void LogCreatedSearchIndex(ILogger logger, string collection, string index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB: index {Index} on {Collection} could not be created ({Reason})")]
    private static partial void LogIndexFailed(ILogger logger, string collection, string index, string reason);
}
