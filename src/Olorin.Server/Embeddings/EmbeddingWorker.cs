using Olorin.Core.Embeddings;
using Olorin.Server.Configuration;

namespace Olorin.Server.Embeddings;

/// <summary>
/// Computes embeddings after the write, off the request path: once the model is ready it catches up on every
/// document the store holds without one (what a crash or a full queue left behind), then embeds what
/// <see cref="EmbeddingQueue"/> brings, up to EMBEDDING_BATCH_SIZE documents per model run. Writes never replace
/// an embedding (a client's vector wins; an investigation changed meanwhile is embedded again from its new version).
/// </summary>
public sealed partial class EmbeddingWorker(
    ITextEmbedder embedder,
    EmbeddingQueue queue,
    IServiceScopeFactory scopes,
    IOptions<EmbeddingOptions> options,
    ILogger<EmbeddingWorker> logger) : BackgroundService
{
    /// <summary>How long the worker waits after a failed batch before catching up from the store again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private int BatchSize => options.Value.BatchSize;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await embedder.WhenReadyAsync(stoppingToken)) return; // failed or off: /health says why
        var catchUp = true;
        var batch = new List<EmbeddingWork>(BatchSize);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (catchUp || queue.TakeOverflow())
                {
                    catchUp = false;
                    await CatchUpAsync(stoppingToken);
                }
                if (!await queue.Reader.WaitToReadAsync(stoppingToken)) return;
                batch.Clear();
                while (batch.Count < BatchSize && queue.Reader.TryRead(out var work)) batch.Add(work);
                await EmbedAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The documents keep "no embedding" in the store: the catch-up after the pause finds them again.
                LogBatchFailed(logger, e, RetryDelay.TotalSeconds);
                catchUp = true;
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var backfill = scope.ServiceProvider.GetRequiredService<EmbeddingBackfill>();
        foreach (var collection in Enum.GetValues<EmbeddingCollection>())
        {
            var done = await backfill.RunAsync(collection, tenantId: null, BatchSize, progress: null, cancellationToken);
            if (done.Written > 0) LogCaughtUp(logger, done.Written, collection);
        }
    }

    private async Task EmbedAsync(IReadOnlyList<EmbeddingWork> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var backfill = services.GetRequiredService<EmbeddingBackfill>();

        var anomalies = new List<AnomalyEvent>();
        var investigations = new List<Investigation>();
        var anomalyRepository = services.GetRequiredService<IAnomalyEventRepository>();
        var investigationRepository = services.GetRequiredService<IInvestigationRepository>();
        foreach (var work in batch)
        {
            if (work.Collection == EmbeddingCollection.Anomalies)
            {
                if (await anomalyRepository.GetAsync(work.TenantId, work.Id, cancellationToken) is { } anomaly) anomalies.Add(anomaly);
            }
            else if (await investigationRepository.GetAsync(work.TenantId, work.Id, cancellationToken) is { } investigation)
            {
                investigations.Add(investigation);
            }
        }
        if (anomalies.Count > 0) await backfill.EmbedAnomaliesAsync(anomalies, cancellationToken);
        if (investigations.Count > 0) await backfill.EmbedInvestigationsAsync(investigations, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding worker: a batch failed; catching up from the store in {Seconds} s")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding worker: caught up {Count} {Collection} left without an embedding")]
    private static partial void LogCaughtUp(ILogger logger, long count, EmbeddingCollection collection);
}
