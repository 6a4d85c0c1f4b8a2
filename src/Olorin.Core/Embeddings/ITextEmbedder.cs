namespace Olorin.Core.Embeddings;

/// <summary>
/// Turns text into the embeddings Olorin stores and searches (Decision 1: 384 dimensions, cosine). Thread-safe;
/// texts sent concurrently may be encoded together in one batch.
/// </summary>
public interface ITextEmbedder
{
    /// <summary>Whether <see cref="EmbedAsync"/> can answer now.</summary>
    EmbedderState State { get; }

    /// <summary>The length of every vector returned.</summary>
    int Dimension { get; }

    /// <summary>
    /// One unit-length vector per text, in order. Throws <see cref="EmbedderUnavailableException"/> when
    /// <see cref="State"/> is not <see cref="EmbedderState.Ready"/>.
    /// </summary>
    Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Completes when the model is loaded (true) or cannot be (false: failed or switched off).</summary>
    Task<bool> WhenReadyAsync(CancellationToken cancellationToken = default);
}

public enum EmbedderState
{
    /// <summary>The model is being loaded (at start-up, in the background).</summary>
    Loading,
    Ready,
    /// <summary>The model could not be loaded; the reason is logged and reported by /health.</summary>
    Failed,
    /// <summary>Server-side embedding is switched off (EMBEDDING_ENABLED=false).</summary>
    Disabled,
}

/// <summary>The embedder cannot answer (loading, failed or switched off); the message says which.</summary>
public sealed class EmbedderUnavailableException(EmbedderState state, string message) : Exception(message)
{
    public EmbedderState State { get; } = state;
}

public static class TextEmbedderExtensions
{
    public static async Task<float[]> EmbedAsync(this ITextEmbedder embedder, string text, CancellationToken cancellationToken = default)
        => (await embedder.EmbedAsync([text], cancellationToken))[0];
}
