using Olorin.Persistence.Postgres;

namespace Olorin.Server.Persistence;

/// <summary>
/// Once the server is listening (so after the start-up migrations), warms PostgreSQL's HNSW path in the background
/// (<see cref="PostgresPersistence.WarmUpVectorSearchAsync"/>): requests are served meanwhile, and a failure is logged
/// and changes nothing else.
/// </summary>
internal sealed partial class VectorSearchWarmUpService(
    IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<VectorSearchWarmUpService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        try
        {
            await services.WarmUpVectorSearchAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vector search warm-up failed (searches are served without it): {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
