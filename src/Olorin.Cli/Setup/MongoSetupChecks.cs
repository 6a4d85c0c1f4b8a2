using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Cli.Setup;

/// <summary>
/// The runbook's seven checks against a MongoDB deployment, read-only except for one scratch document that the
/// permission check writes and removes. Nothing is created: verify-setup says what to change, bootstrap changes it.
/// </summary>
public static class MongoSetupChecks
{
    public const int MinimumMajorVersion = 7;
    public const double LatencyTargetMs = 100;

    public static async Task<IReadOnlyList<SetupCheck>> RunAsync(MongoSettings settings, CancellationToken cancellationToken)
    {
        var clientSettings = MongoClientFactory.CreateClientSettings(settings);
        using var client = MongoClientFactory.CreateClient(clientSettings);
        var database = client.GetDatabase(settings.Database);
        var catalog = IndexCatalog.For(settings);

        var connection = await ConnectionAsync(client, settings, clientSettings.ServerSelectionTimeout, cancellationToken);
        if (!connection.Passed)
            return [connection, .. SetupReport.CheckNames.Skip(1).Select(n => SetupCheck.Fail(n, "not checked: no connection to MongoDB"))];

        var collections = await MongoBootstrapper.ExistingCollectionsAsync(database, cancellationToken);
        return
        [
            connection,
            CollectionsCheck(catalog, collections),
            await IndexesAsync(database, catalog, collections, cancellationToken),
            TimeSeriesCheck(catalog, collections),
            await VectorSearchAsync(database, settings, cancellationToken),
            await PermissionsAsync(database, cancellationToken),
            await PerformanceAsync(database, cancellationToken),
        ];
    }

    private static async Task<SetupCheck> ConnectionAsync(IMongoClient client, MongoSettings settings, TimeSpan selection, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(selection + MongoStartup.DriverErrorGrace);
        try
        {
            await MongoCapabilityProbe.PingAsync(client, deadline.Token);
            var version = await MongoCapabilityProbe.ServerVersionAsync(client, deadline.Token);
            return VersionCheck(version);
        }
        catch (Exception e) when (e is MongoException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var cause = e is OperationCanceledException ? $"no answer within {(long)selection.TotalMilliseconds} ms" : MongoErrorText.Describe(e, settings.Uri, client);
            return SetupCheck.Fail("Connection", $"Cannot connect to MongoDB at {settings.RedactedUri}: {cause}");
        }
    }

    /// <summary>MongoDB 7.0 or later is required (time-series deletes on any field, $vectorSearch filters).</summary>
    public static SetupCheck VersionCheck(string version)
    {
        var major = int.TryParse(version.Split('.')[0], out var m) ? m : 0;
        return major >= MinimumMajorVersion
            ? SetupCheck.Pass("Connection", $"Connected to MongoDB {version}")
            : SetupCheck.Fail("Connection", $"Connected to MongoDB {version}, but {MinimumMajorVersion}.0 or later is required (time-series deletes and updates on any field, vector search filters): upgrade the cluster");
    }

    public static SetupCheck CollectionsCheck(IndexCatalog catalog, IReadOnlyDictionary<string, BsonDocument> existing)
    {
        var problems = catalog.Collections
            .Select(c => CollectionKindCheck.Judge(c, existing.GetValueOrDefault(c.Name)))
            .Select(v => v.Exists ? v.Problem : $"collection {v.Collection} is missing (start the server with ENABLE_MONGODB=true or run olorin migrate to bootstrap it)")
            .OfType<string>()
            .ToList();
        return problems.Count == 0
            ? SetupCheck.Pass("Collections", $"All {catalog.Collections.Count} collections exist with the right kind")
            : SetupCheck.Fail("Collections", $"{problems.Count} collection problem(s)", problems);
    }

    private static async Task<SetupCheck> IndexesAsync(IMongoDatabase database, IndexCatalog catalog, IReadOnlyDictionary<string, BsonDocument> existing, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        // The $text index is wanted only while investigations_search does not serve; the bootstrap drops it otherwise.
        var atlasSearchServes = await MongoBootstrapper.AtlasSearchServesAsync(database, catalog, cancellationToken);
        var wanted = catalog.Indexes.Where(i => IndexCatalog.IsWanted(i, atlasSearchServes)).ToList();
        foreach (var group in wanted.GroupBy(i => i.Collection))
        {
            if (!existing.ContainsKey(group.Key)) { problems.Add($"{group.Key}: collection missing, so are its {group.Count()} indexes"); continue; }
            var indexes = await MongoBootstrapper.ExistingIndexesAsync(database.GetCollection<BsonDocument>(group.Key), cancellationToken);
            problems.AddRange(IndexProblems(group, indexes));
        }
        return problems.Count == 0
            ? SetupCheck.Pass("Indexes", $"All {wanted.Count} required indexes verified (keys and options)")
            : SetupCheck.Fail("Indexes", $"{problems.Count} index problem(s)", problems);
    }

    /// <summary>Every required index must be matched by keys and options, whatever its name (a same-named index with other keys fails).</summary>
    public static IEnumerable<string> IndexProblems(IEnumerable<RequiredIndex> required, IReadOnlyList<BsonDocument> existing)
    {
        foreach (var index in required)
        {
            if (existing.Any(e => MatchesByContent(index, e))) continue;
            var sameName = existing.FirstOrDefault(e => e.GetValue("name", "").AsString == index.Name);
            yield return sameName is null
                ? $"{index.Collection}: index {index.ToSpec()} is missing"
                : $"{index.Collection}: index {index.Name} exists as {sameName} but must be {index.ToSpec()}";
        }
    }

    /// <summary><see cref="RequiredIndex.IsSatisfiedBy"/> also accepts a same-named index; judged here without the name, only keys and options count.</summary>
    public static bool MatchesByContent(RequiredIndex required, BsonDocument existing)
    {
        var anonymous = existing.DeepClone().AsBsonDocument;
        anonymous.Remove("name");
        return required.IsSatisfiedBy(anonymous);
    }

    public static SetupCheck TimeSeriesCheck(IndexCatalog catalog, IReadOnlyDictionary<string, BsonDocument> existing)
    {
        var timeSeries = catalog.Collections.Where(c => c.TimeSeries is not null).ToList();
        var problems = timeSeries.SelectMany(c => existing.GetValueOrDefault(c.Name) is { } info
            ? CollectionKindCheck.Judge(c, info).Problem is { } kind ? [kind] : CollectionKindCheck.TimeSeriesOptionProblems(c, info)
            : [$"collection {c.Name} does not exist"]).ToList();
        return problems.Count == 0
            ? SetupCheck.Pass("Time Series", $"All {timeSeries.Count} time series collections verified")
            : SetupCheck.Fail("Time Series", $"{problems.Count} time series problem(s)", problems);
    }

    private static async Task<SetupCheck> VectorSearchAsync(IMongoDatabase database, MongoSettings settings, CancellationToken cancellationToken)
    {
        var collection = database.GetCollection<BsonDocument>(MongoCollectionNames.AnomalyEvents);
        List<BsonDocument> entries;
        try
        {
            using var cursor = await collection.SearchIndexes.ListAsync(cancellationToken: cancellationToken);
            entries = await cursor.ToListAsync(cancellationToken);
        }
        catch (MongoCommandException e)
        {
            return SetupCheck.Fail("Vector Search", $"This deployment does not support search indexes ({e.CodeName}): use Atlas or the Atlas Local image");
        }
        return VectorSearchCheck(entries, settings.VectorSearchIndex, settings.EmbeddingDimension);
    }

    /// <summary>
    /// The check on a <c>$listSearchIndexes</c> answer (tested with sample answers), judged by the same rule the
    /// bootstrapper and <c>/status/mongodb</c> use (<see cref="SearchIndexCheck"/>) against the catalog's definition;
    /// a failure says what was found and the definition to create instead.
    /// </summary>
    public static SetupCheck VectorSearchCheck(IReadOnlyList<BsonDocument> listSearchIndexes, string name, int dimensions)
    {
        var required = IndexCatalog.AnomalyVectorIndex(name, dimensions);
        var entry = listSearchIndexes.FirstOrDefault(e => e.GetValue("name", "").AsString == name);
        var verdict = SearchIndexCheck.Judge(required, entry);
        var filters = required.Definition["fields"].AsBsonArray.OfType<BsonDocument>().Where(f => f["type"] == "filter").Select(f => f["path"].AsString);
        if (verdict.Usable)
            return SetupCheck.Pass("Vector Search", $"Vector search ready ({name}: vectorSearch, {dimensions} dimensions, cosine, filters {string.Join(", ", filters)}, queryable)");

        var create = $"create it as type vectorSearch with definition {required.Definition} (bootstrap-mongodb does)";
        var definition = entry?.GetValue("latestDefinition", BsonNull.Value) is { IsBsonDocument: true } d ? d.AsBsonDocument : null;
        List<string> problems = !verdict.Exists
            ? [$"search index '{name}' does not exist on {required.Collection}: {create}"]
            : verdict.DefinitionProblems.Count > 0
                ? [$"'{name}' does not fit the queries: {string.Join("; ", verdict.DefinitionProblems)}. Found {(entry!.GetValue("type", "search"))} index {definition}; drop it and {create}"]
                : [$"'{name}' is not queryable yet (status {verdict.Status ?? "unknown"}); wait for the build to finish"];
        return SetupCheck.Fail("Vector Search", "Vector search is not ready", problems);
    }

    private static async Task<SetupCheck> PermissionsAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var scratch = database.GetCollection<BsonDocument>("olorin_verify_setup");
        var id = $"verify-setup-{Guid.NewGuid():N}";
        try
        {
            await scratch.InsertOneAsync(new BsonDocument { ["_id"] = id, ["at"] = DateTime.UtcNow }, cancellationToken: cancellationToken);
            var read = await scratch.Find(Builders<BsonDocument>.Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
            await scratch.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", id), cancellationToken);
            await database.DropCollectionAsync("olorin_verify_setup", cancellationToken);
            return read is null
                ? SetupCheck.Fail("Permissions", "A scratch document written could not be read back")
                : SetupCheck.Pass("Permissions", "Database user has read/write permissions (scratch document written, read and removed)");
        }
        catch (MongoException e)
        {
            return SetupCheck.Fail("Permissions", $"Read/write failed: {e.Message} (grant the user readWrite on the database)");
        }
    }

    private static async Task<SetupCheck> PerformanceAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var collection = database.GetCollection<BsonDocument>(MongoCollectionNames.Investigations);
        var samples = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            await collection.Find(Builders<BsonDocument>.Filter.Eq("tenant_id", "olorin-verify-setup")).Limit(1).ToListAsync(cancellationToken);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return LatencyCheck(samples);
    }

    public static SetupCheck LatencyCheck(IReadOnlyList<double> samplesMs)
    {
        var median = samplesMs.Order().ElementAt(samplesMs.Count / 2);
        return median < LatencyTargetMs
            ? SetupCheck.Pass("Performance", $"Query performance acceptable ({median:0.00}ms median of {samplesMs.Count} indexed reads)")
            : SetupCheck.Fail("Performance", $"Indexed reads take {median:0.00}ms (median of {samplesMs.Count}); the target is under {LatencyTargetMs} ms: check the network path and the cluster tier");
    }
}
