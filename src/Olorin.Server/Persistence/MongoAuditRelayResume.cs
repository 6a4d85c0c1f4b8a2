using MongoDB.Driver;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Server.Persistence;

/// <summary>
/// At start-up, moves audit entries left pending inside investigation documents (and finishes deletes left as
/// tombstones) by a process that stopped between an investigation write and the move (<see cref="MongoAuditRelay"/>).
/// Requests are served meanwhile: history reads already include pending entries.
/// </summary>
public sealed partial class MongoAuditRelayResume(MongoAuditRelay relay, ILogger<MongoAuditRelayResume> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var finished = await relay.ResumeAsync(stoppingToken);
            if (finished > 0) LogResumed(logger, finished);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is left stays pending for the next start.
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MongoDB: moved the pending audit entries of {Count} investigation(s) into audit_log")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB: pending audit entries could not be moved at start-up ({Error}); they stay pending and listed in history")]
    private static partial void LogFailed(ILogger logger, string error);
}
