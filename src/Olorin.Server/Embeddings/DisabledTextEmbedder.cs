using Olorin.Core.Embeddings;

namespace Olorin.Server.Embeddings;

/// <summary>EMBEDDING_ENABLED=false: no model is loaded; searches by text answer 503 saying so.</summary>
public sealed class DisabledTextEmbedder : ITextEmbedder
{
    public EmbedderState State => EmbedderState.Disabled;

    public int Dimension => Olorin.Embeddings.MiniLmTextEmbedder.ModelDimension;

    public Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        => throw new EmbedderUnavailableException(EmbedderState.Disabled, "Server-side embedding is switched off (EMBEDDING_ENABLED=false).");

    public Task<bool> WhenReadyAsync(CancellationToken cancellationToken = default) => Task.FromResult(false);
}
