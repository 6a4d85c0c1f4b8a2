using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Status;

/// <summary>
/// Builds <see cref="MongoStatusReport"/> live from the server: version, capabilities, the catalog's collections and
/// indexes present or missing, estimated counts and ping. Never throws for an unreachable server: it answers
/// <c>connected: false</c> with the (redacted) reason within the server-selection timeout.
/// </summary>
public sealed class MongoStatusReporter(MongoSettings settings, MongoClientSource clients)
{
    private readonly IndexCatalog _catalog = IndexCatalog.For(settings);

    public MongoStatusReporter(MongoSettings settings, IMongoClient client) : this(settings, new MongoClientSource(settings, client))
    {
    }

    /// <summary>The ping deadline of the report: the health check's.</summary>
    public static TimeSpan PingTimeout => Health.MongoHealthCheck.Timeout;

    public async Task<MongoStatusReport> GetReportAsync(CancellationToken cancellationToken = default)
    {
        var report = new MongoStatusReport
        {
            Enabled = true,
            Database = settings.Database,
            Uri = settings.RedactedUri,
            TimeSeriesEnabled = settings.EnableTimeSeries,
            VectorSearchEnabled = settings.EnableVectorSearch,
            AtlasSearchEnabled = settings.EnableAtlasSearch,
        };

        var selectionTimeout = MongoClientFactory.ServerSelectionTimeout(settings);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(selectionTimeout + MongoStartup.DriverErrorGrace);
        IMongoClient? client = clients.Existing;
        try
        {
            client = await clients.GetAsync(deadline.Token);
            var clientSettings = client.Settings;
            report = report with
            {
                Pool = new MongoPoolStatus(
                    clientSettings.MinConnectionPoolSize,
                    clientSettings.MaxConnectionPoolSize,
                    (long)clientSettings.MaxConnectionIdleTime.TotalMilliseconds,
                    (long)clientSettings.ConnectTimeout.TotalMilliseconds,
                    (long)clientSettings.SocketTimeout.TotalMilliseconds,
                    (long)clientSettings.ServerSelectionTimeout.TotalMilliseconds,
                    clientSettings.ApplicationName),
            };
            // A server that is down answers nothing until the selection timeout (30 s by default); the status page
            // answers after the health check's ping deadline instead, then gives the rest the whole budget.
            TimeSpan ping;
            using (var pingDeadline = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
            {
                pingDeadline.CancelAfter(PingTimeout);
                try
                {
                    ping = await MongoCapabilityProbe.PingAsync(client, pingDeadline.Token);
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    return report with { Error = $"MongoDB did not answer a ping within {(long)PingTimeout.TotalMilliseconds} ms." };
                }
            }
            report = report with
            {
                Connected = true,
                PingMs = Math.Round(ping.TotalMilliseconds, 2),
                ServerVersion = await MongoCapabilityProbe.ServerVersionAsync(client, deadline.Token),
                TransactionsSupported = await MongoCapabilityProbe.TransactionsSupportedAsync(client, deadline.Token),
            };
            return await DescribeDatabaseAsync(client, report, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return report with { Error = $"MongoDB did not answer within {(long)selectionTimeout.TotalMilliseconds} ms." };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return report with { Error = MongoErrorText.Describe(e, settings.Uri, client) };
        }
    }

    private const string AuditWritesMechanism =
        "Each investigation write carries its audit entry in the same single-document write; the entry is then moved into audit_log (pending entries are listed in history and moved at start-up).";

    private async Task<MongoStatusReport> DescribeDatabaseAsync(IMongoClient client, MongoStatusReport report, CancellationToken cancellationToken)
    {
        var database = client.GetDatabase(settings.Database);
        var existing = await MongoBootstrapper.ExistingCollectionsAsync(database, cancellationToken);
        var collections = new List<MongoCollectionStatus>();
        var present = new List<string>();
        var missing = new List<string>();
        var problems = new List<string>();
        string? detectionRunsKind = null;

        // Search indexes first: whether investigations_search serves decides whether the $text index is wanted.
        var searchPresent = new List<string>();
        var searchMissing = new List<string>();
        var searchSupported = existing.ContainsKey(MongoCollectionNames.Investigations)
            && await MongoCapabilityProbe.SearchIndexesSupportedAsync(database.GetCollection<BsonDocument>(MongoCollectionNames.Investigations), cancellationToken);
        var verdicts = new List<SearchIndexVerdict>();
        if (searchSupported)
        {
            foreach (var index in _catalog.SearchIndexes)
            {
                var listed = existing.ContainsKey(index.Collection)
                    ? await MongoBootstrapper.ListSearchIndexesAsync(database.GetCollection<BsonDocument>(index.Collection), cancellationToken)
                    : [];
                var verdict = SearchIndexCheck.Judge(index, listed.GetValueOrDefault(index.Name));
                verdicts.Add(verdict);
                if (verdict.Problem is { } problem) problems.Add(problem);
                (verdict.Exists ? searchPresent : searchMissing).Add($"{index.Collection}.{index.Name}");
            }
        }
        var search = new SearchIndexVerdicts(verdicts);
        var atlasSearchServes = MongoBootstrapper.AtlasSearchServes(_catalog, search);

        foreach (var required in _catalog.Collections)
        {
            var verdict = CollectionKindCheck.Judge(required, existing.GetValueOrDefault(required.Name));
            if (required.Name == MongoCollectionNames.DetectionRuns) detectionRunsKind = verdict.Kind;
            if (verdict.Problem is { } problem) problems.Add(problem);
            if (!existing.TryGetValue(required.Name, out var info))
            {
                missing.AddRange(_catalog.IndexesOf(required.Name, atlasSearchServes).Select(i => $"{required.Name}.{i.Name}"));
                continue;
            }
            var collection = database.GetCollection<BsonDocument>(required.Name);
            collections.Add(new MongoCollectionStatus(
                required.Name,
                await EstimatedCountAsync(collection, cancellationToken),
                info.GetValue("type", "collection").AsString == "timeseries"));
            var indexes = await MongoBootstrapper.ExistingIndexesAsync(collection, cancellationToken);
            foreach (var catalogued in _catalog.IndexesOf(required.Name, atlasSearchServes))
            {
                var index = verdict.IsTimeSeries ? catalogued.OnTimeSeries() : catalogued;
                (indexes.Any(index.IsSatisfiedBy) ? present : missing).Add($"{required.Name}.{index.Name}");
            }
        }

        present.AddRange(searchPresent);
        missing.AddRange(searchMissing);
        return report with
        {
            AuditWritesAtomic = true,
            AuditWritesNote = AuditWritesMechanism,
            Collections = collections,
            DetectionRunsKind = detectionRunsKind,
            Problems = problems,
            MissingCollections = _catalog.Collections.Select(c => c.Name).Where(n => !existing.ContainsKey(n)).ToList(),
            Indexes = new MongoIndexStatus(present, missing),
            SearchIndexesSupported = searchSupported,
            VectorSearchAvailable = settings.EnableVectorSearch && search.IsUsable(settings.VectorSearchIndex),
            AtlasSearchAvailable = settings.EnableAtlasSearch && search.IsUsable(IndexCatalog.InvestigationsSearchIndex),
        };
    }

    private static async Task<long?> EstimatedCountAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
    {
        try
        {
            return await collection.EstimatedDocumentCountAsync(cancellationToken: cancellationToken);
        }
        catch (MongoCommandException)
        {
            return null; // e.g. a server that cannot estimate a time-series (view-backed) collection
        }
    }
}
