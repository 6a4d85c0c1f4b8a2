namespace Olorin.Embeddings;

/// <summary>The one model this server ships, and the names <c>EMBEDDING_MODEL_NAME</c> may give it.</summary>
public static class EmbeddingModel
{
    public const string Name = MiniLmTextEmbedder.ModelName;

    /// <summary>The bare name or the Hugging Face id (<c>sentence-transformers/all-MiniLM-L6-v2</c>), in any case.</summary>
    public static bool IsShipped(string? name)
        => string.Equals(name, Name, StringComparison.OrdinalIgnoreCase)
           || string.Equals(name, "sentence-transformers/" + Name, StringComparison.OrdinalIgnoreCase);
}
