using MongoDB.Driver;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Server.Persistence;

/// <summary>
/// Builds the indexes start-up bootstrap deferred because their collections already hold documents, once the server
/// runs, without a deadline (a build on a populated collection returns when it commits on the voting members,
/// https://www.mongodb.com/docs/manual/core/index-creation/#index-build-process). Until then /status/mongodb lists them
/// as missing; queries work meanwhile, just without that index.
/// </summary>
public sealed partial class MongoDeferredIndexBuilds(
    IMongoClient client, MongoSettings settings, IReadOnlyList<RequiredIndex> deferred, ILogger<MongoDeferredIndexBuilds> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(logger, deferred.Count);
        try
        {
            var problems = await MongoBootstrapper.BuildDeferredIndexesAsync(client.GetDatabase(settings.Database), deferred, logger, stoppingToken);
            foreach (var problem in problems) LogProblem(logger, problem);
            LogDone(logger, deferred.Count - problems.Count, problems.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the server finishes or aborts the build on its own; the next start defers it again if needed.
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: building {Count} deferred index(es) in the background")]
    private static partial void LogStarting(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: deferred index builds done ({Built} built, {Failed} failed)")]
    private static partial void LogDone(ILogger logger, int built, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB deferred index build: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB deferred index builds stopped: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
