using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Server.Persistence;

/// <summary>
/// <c>Olorin.Server bootstrap-mongodb</c>: runs the MongoDB bootstrap on demand (collections, time series, indexes,
/// Atlas search and vector indexes where supported) with the same settings the server uses, prints what it did, and
/// exits — 0 when MongoDB is ready, 1 otherwise. Idempotent, like the bootstrap the server runs at start-up.
/// </summary>
public static class MongoBootstrapCommand
{
    public const string Name = "bootstrap-mongodb";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(IConfiguration configuration, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = MongoStartupSettings.BindOrAbort(configuration);

        logger.LogInformation("Bootstrapping MongoDB {MongoUri}, database {MongoDatabase}", settings.RedactedUri, settings.Database);
        var result = await MongoStartup.ConnectAndBootstrapAsync(settings, logger, cancellationToken);
        if (!result.Succeeded)
            throw new StartupAbortedException($"MongoDB bootstrap failed: {result.Error} Check MONGODB_URI (and MONGODB_DATABASE).");

        var report = result.Bootstrap!;
        var problems = report.Problems.ToList();
        if (report.DeferredIndexes.Count > 0)
        {
            // Start-up leaves builds on populated collections to the background; here they are the point, so wait for them.
            logger.LogInformation("Building {Count} index(es) on collections that hold documents; this can take a while", report.DeferredIndexes.Count);
            using var client = Olorin.Persistence.Mongo.Settings.MongoClientFactory.CreateClient(result.ClientSettings!);
            var buildProblems = await MongoBootstrapper.BuildDeferredIndexesAsync(client.GetDatabase(settings.Database), report.DeferredIndexes, logger, cancellationToken);
            problems.RemoveAll(p => p.Contains("built in the background", StringComparison.Ordinal));
            problems.AddRange(buildProblems);
        }
        logger.LogInformation(
            "MongoDB bootstrap done: collections created [{Created}], time series [{TimeSeries}], indexes ensured {Indexes}, search indexes supported {SearchSupported}, created [{SearchCreated}], present [{SearchPresent}]",
            string.Join(", ", report.CollectionsCreated), string.Join(", ", report.TimeSeriesCollections), report.IndexesEnsured.Count,
            report.SearchIndexesSupported, string.Join(", ", report.SearchIndexesCreated), string.Join(", ", report.SearchIndexesPresent));
        foreach (var problem in problems) logger.LogWarning("MongoDB bootstrap problem: {Problem}", problem);
        return problems.Count == 0 ? 0 : 1;
    }
}
