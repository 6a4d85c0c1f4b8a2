using Olorin.Server.Observability;

namespace Olorin.Server.Embeddings;

/// <summary><c>olorin.embedding.queue.depth</c>: documents written since start-up that wait for their embedding (0 when embedding is off).</summary>
public sealed class EmbeddingInstruments : IOlorinInstruments
{
    public EmbeddingInstruments(OlorinMeter meter, EmbeddingQueue queue)
        => meter.Meter.CreateObservableGauge("olorin.embedding.queue.depth", () => queue.Depth, unit: "{document}",
            description: "Documents queued for the embedding worker (the store catch-up finds those a full queue dropped).");
}
