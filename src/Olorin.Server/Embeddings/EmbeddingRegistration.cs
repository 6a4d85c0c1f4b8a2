using Olorin.Core.Embeddings;
using Olorin.Embeddings;
using Olorin.Server.Configuration;
using Olorin.Server.Observability;

namespace Olorin.Server.Embeddings;

/// <summary>
/// Server-side embeddings (EMBEDDING_ENABLED, default on): the all-MiniLM-L6-v2 embedder, loaded in the background
/// from start-up, the queue and worker that embed documents written without an embedding, and the /health entry.
/// Off, nothing is loaded, nothing is queued, and search by text answers 503.
/// </summary>
public static partial class EmbeddingRegistration
{
    public static IServiceCollection AddOlorinEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        var enabled = configuration.Get<EmbeddingOptions>()?.Enabled ?? true;
        services.AddSingleton(new EmbeddingQueue(enabled));
        services.AddOlorinInstruments<EmbeddingInstruments>();
        services.AddScoped<EmbeddingBackfill>();
        services.AddHealthChecks().AddCheck<EmbeddingHealthCheck>(EmbeddingHealthCheck.Name);
        if (!enabled)
        {
            services.AddSingleton<ITextEmbedder, DisabledTextEmbedder>();
            return services;
        }
        services.AddSingleton(sp => new MiniLmTextEmbedder(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.BatchSize));
        services.AddSingleton<ITextEmbedder>(sp => sp.GetRequiredService<MiniLmTextEmbedder>());
        services.AddHostedService<EmbedderWarmUp>();
        services.AddHostedService<EmbeddingWorker>();
        return services;
    }

    /// <summary>Starts loading the model when the host starts, without waiting for it.</summary>
    private sealed partial class EmbedderWarmUp(ITextEmbedder embedder, ILogger<EmbedderWarmUp> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (embedder is MiniLmTextEmbedder model)
            {
                model.StartLoading();
                _ = model.WhenReadyAsync(CancellationToken.None).ContinueWith(ready =>
                {
                    if (ready.Result) LogLoaded(logger, EmbeddingModel.Name, model.LoadTime!.Value.TotalSeconds);
                    else LogFailed(logger, EmbeddingModel.Name, model.FailureReason);
                }, TaskScheduler.Default);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Embedding model {Model} loaded in {Seconds:0.0} s")]
        private static partial void LogLoaded(ILogger logger, string model, double seconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "Embedding model {Model} could not be loaded: {Reason}")]
        private static partial void LogFailed(ILogger logger, string model, string? reason);
    }
}
