using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// Start-up of the MongoDB backend: validate the settings, ping, probe the capabilities and bootstrap, all within
/// the server-selection timeout (MONGODB_SERVER_SELECTION_TIMEOUT_MS, or the URI's serverSelectionTimeoutMS).
/// Never throws for an unreachable or misconfigured server: the caller decides what a failure means.
/// On success its client is left open on purpose: clients with equal settings share one cluster (the driver's
/// ClusterRegistry), so the client <see cref="MongoPersistence.AddMongoPersistence"/> registers reuses its
/// connections instead of opening a second pool.
/// </summary>
public static partial class MongoStartup
{
    /// <summary>
    /// Added to the overall deadline so that, against an unreachable server, the driver's own server-selection
    /// timeout (which names the cause: refused, DNS, TLS, authentication) fires before our cancellation does.
    /// </summary>
    public static readonly TimeSpan DriverErrorGrace = TimeSpan.FromSeconds(1);

    public static async Task<MongoStartupResult> ConnectAndBootstrapAsync(MongoSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var invalid = MongoSettingsValidator.Check(settings);
        if (invalid.Count > 0) return Fail(string.Join(" ", invalid));

        var clientSettings = MongoClientFactory.CreateClientSettings(settings);
        var budget = clientSettings.ServerSelectionTimeout;
        var client = MongoClientFactory.CreateClient(clientSettings);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget + DriverErrorGrace);
        try
        {
            var ping = await MongoCapabilityProbe.PingAsync(client, deadline.Token);
            var version = await MongoCapabilityProbe.ServerVersionAsync(client, deadline.Token);
            var transactions = await MongoCapabilityProbe.TransactionsSupportedAsync(client, deadline.Token);
            var database = client.GetDatabase(settings.Database);
            var catalog = IndexCatalog.For(settings);
            var report = await MongoBootstrapper.EnsureAsync(database, catalog, logger, deadline.Token);
            var searchSupported = report.SearchIndexesSupported;

            var capabilities = new MongoCapabilities(
                version,
                transactions,
                searchSupported,
                VectorSearchAvailable: searchSupported && settings.EnableVectorSearch && report.SearchIndexesPresent.Contains(settings.VectorSearchIndex),
                AtlasSearchAvailable: searchSupported && settings.EnableAtlasSearch && report.SearchIndexesPresent.Contains(IndexCatalog.InvestigationsSearchIndex))
            {
                TimeSeriesCollections = report.TimeSeriesCollections.ToHashSet(StringComparer.Ordinal),
                InvestigationVectorSearchAvailable = searchSupported && settings.EnableVectorSearch
                    && report.SearchIndexesPresent.Contains(IndexCatalog.InvestigationsVectorIndex),
            };
            LogConnected(logger, settings.RedactedUri, settings.Database, version, transactions, searchSupported, (long)ping.TotalMilliseconds);
            foreach (var problem in report.Problems) LogProblem(logger, problem);
            return MongoStartupResult.Ok(capabilities, report);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            return Fail($"MongoDB at {settings.RedactedUri} did not answer and bootstrap within {(long)budget.TotalMilliseconds} ms.");
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            var cause = MongoErrorText.Describe(e, settings.Uri, client);
            client.Dispose();
            return Fail($"MongoDB at {settings.RedactedUri} is not usable: {cause}");
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
