using Olorin.Persistence.Postgres;

namespace Olorin.Server.Persistence;

/// <summary>
/// Once the server is listening (so after the start-up migrations), logs the PostgreSQL connection budget
/// (<see cref="PostgresPersistence.CheckConnectionBudgetAsync"/>, a warning when it exceeds max_connections) and warms PostgreSQL's HNSW path in the background
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
        if (!await Run(() => services.CheckConnectionBudgetAsync(stoppingToken), "Connection budget check", stoppingToken)) return;
        await Run(() => services.WarmUpVectorSearchAsync(stoppingToken), "Vector search warm-up", stoppingToken);
    }

    /// <returns>False when the server is stopping.</returns>
    private async Task<bool> Run(Func<Task> step, string name, CancellationToken stoppingToken)
    {
        try
        {
            await step();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            LogFailed(logger, name, e.Message);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Step} failed (requests are served without it): {Reason}")]
    private static partial void LogFailed(ILogger logger, string step, string reason);
}
