using Microsoft.Extensions.Logging;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// Start-up of the MongoDB backend in two phases with their own deadlines. Reach: resolve the URI (the
/// <c>mongodb+srv</c> DNS lookups included), ping and probe the capabilities within the server-selection timeout
/// (MONGODB_SERVER_SELECTION_TIMEOUT_MS, or the URI's serverSelectionTimeoutMS). Bootstrap: collections, the indexes of
/// empty collections and the search-index checks within MONGODB_BOOTSTRAP_TIMEOUT_MS; indexes missing on collections
/// that already hold data are not built here (a build on a populated collection returns only once it commits on the
/// voting members, https://www.mongodb.com/docs/manual/core/index-creation/#index-build-process) but reported in
/// <see cref="BootstrapReport.DeferredIndexes"/> for a background build, so a slow build never turns into a fallback.
/// Never throws for an unreachable or misconfigured server (DNS failures included): the caller decides what a
/// failure means. On success its client is left open on purpose: clients with equal settings share one cluster (the
/// driver's ClusterRegistry), so the client <see cref="MongoPersistence.AddMongoPersistence"/> registers with
/// <see cref="MongoStartupResult.ClientSettings"/> reuses its connections instead of opening a second pool.
/// </summary>
public static partial class MongoStartup
{
    /// <summary>
    /// Added to the reach deadline so that, against an unreachable server, the driver's own server-selection
    /// timeout (which names the cause: refused, DNS, TLS, authentication) fires before our cancellation does.
    /// </summary>
    public static readonly TimeSpan DriverErrorGrace = TimeSpan.FromSeconds(1);

    public static async Task<MongoStartupResult> ConnectAndBootstrapAsync(MongoSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var invalid = MongoSettingsValidator.Check(settings);
        if (invalid.Count > 0) return Fail(string.Join(" ", invalid));

        var reachBudget = MongoClientFactory.ServerSelectionTimeout(settings);
        IMongoClient? client = null;
        MongoClientSettings clientSettings;
        string version;
        bool transactions;
        long pingMs;
        using (var reach = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            reach.CancelAfter(reachBudget + DriverErrorGrace);
            try
            {
                clientSettings = await MongoClientFactory.CreateClientSettingsAsync(settings, reach.Token);
                client = MongoClientFactory.CreateClient(clientSettings);
                pingMs = (long)(await MongoCapabilityProbe.PingAsync(client, reach.Token)).TotalMilliseconds;
                version = await MongoCapabilityProbe.ServerVersionAsync(client, reach.Token);
                transactions = await MongoCapabilityProbe.TransactionsSupportedAsync(client, reach.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Fail($"MongoDB at {settings.RedactedUri} did not answer within {(long)reachBudget.TotalMilliseconds} ms.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not only MongoException/TimeoutException: the mongodb+srv lookups throw DnsClient's and argument exceptions.
                return Fail($"MongoDB at {settings.RedactedUri} is not usable: {MongoErrorText.Describe(e, settings.Uri, client)}");
            }
        }

        using var bootstrap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bootstrap.CancelAfter(settings.BootstrapTimeout);
        try
        {
            var database = client.GetDatabase(settings.Database);
            var catalog = IndexCatalog.For(settings);
            var report = await MongoBootstrapper.EnsureAsync(database, catalog, logger, bootstrap.Token, deferBuildsOnPopulatedCollections: true);
            var search = report.SearchIndexes;
            var capabilities = new MongoCapabilities(
                version,
                transactions,
                report.SearchIndexesSupported,
                VectorSearchAvailable: settings.EnableVectorSearch && search.IsUsable(settings.VectorSearchIndex),
                AtlasSearchAvailable: settings.EnableAtlasSearch && search.IsUsable(IndexCatalog.InvestigationsSearchIndex))
            {
                TimeSeriesCollections = report.TimeSeriesCollections.ToHashSet(StringComparer.Ordinal),
                InvestigationVectorSearchAvailable = settings.EnableVectorSearch && search.IsUsable(IndexCatalog.InvestigationsVectorIndex),
            };
            LogConnected(logger, settings.RedactedUri, settings.Database, version, transactions, report.SearchIndexesSupported, pingMs);
            foreach (var problem in report.Problems) LogProblem(logger, problem);
            return MongoStartupResult.Ok(capabilities, report, clientSettings);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"MongoDB at {settings.RedactedUri} answered, but bootstrap did not finish within {settings.BootstrapTimeoutMs} ms ({MongoSettingsKeys.BootstrapTimeoutMs}).");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail($"MongoDB at {settings.RedactedUri} could not be bootstrapped: {MongoErrorText.Describe(e, settings.Uri, client)}");
        }
    }

    /// <summary>Not logged here: the caller decides whether a failure is fatal or a fallback, and logs it once.</summary>
    private static MongoStartupResult Fail(string error) => MongoStartupResult.Failed(error);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "MongoDB connected: {Uri} database {Database}, server {Version}, transactions {Transactions}, search indexes {Search}, ping {PingMs} ms")]
    private static partial void LogConnected(ILogger logger, string uri, string database, string version, bool transactions, bool search, long pingMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB bootstrap: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
