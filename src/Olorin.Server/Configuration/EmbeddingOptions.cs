using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

public sealed class EmbeddingOptions
{
    /// <summary>The only dimension the schema stores (Decision 1).</summary>
    public const int RequiredDimension = 384;

    /// <summary>
    /// Whether the server computes embeddings (model loaded at start-up, documents without an embedding embedded after
    /// the write, search by text). Default on; off, a client's own vectors still work.
    /// </summary>
    [ConfigurationKeyName("EMBEDDING_ENABLED")]
    public bool Enabled { get; set; } = true;

    [ConfigurationKeyName("EMBEDDING_MODEL_NAME")]
    public string ModelName { get; set; } = "all-MiniLM-L6-v2";

    [ConfigurationKeyName("EMBEDDING_BATCH_SIZE")]
    public int BatchSize { get; set; } = 32;

    [ConfigurationKeyName("EMBEDDING_DIMENSION")]
    public int Dimension { get; set; } = RequiredDimension;
}
