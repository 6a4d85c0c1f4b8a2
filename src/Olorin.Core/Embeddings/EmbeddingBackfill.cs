using Olorin.Core.Ports;

namespace Olorin.Core.Embeddings;

/// <summary>Which documents carry server-computed embeddings.</summary>
public enum EmbeddingCollection
{
    Anomalies,
    Investigations,
}

/// <summary>How far a backfill has come: documents seen, embeddings written, and the last key (where a rerun resumes anyway).</summary>
public sealed record BackfillProgress(EmbeddingCollection Collection, long Seen, long Written, TenantKey? LastKey);

/// <summary>
/// Computes the embeddings documents lack, from <see cref="EmbeddingTexts"/>, and stores them without ever replacing
/// one (a client's vector, or an investigation changed meanwhile, wins). The store is the source of truth: "no
/// embedding" is what is to do, so a run is idempotent and a rerun (or the next start of the server) resumes where
/// an interrupted one stopped. Used by the server's embedding worker and by <c>olorin embed</c>.
/// </summary>
public sealed class EmbeddingBackfill(
    ITextEmbedder embedder, IAnomalyEventRepository anomalies, IInvestigationRepository investigations, IDetectorRepository detectors)
{
    /// <summary>
    /// Walks every document of <paramref name="collection"/> without an embedding (one tenant, or all), in key
    /// order, <paramref name="batchSize"/> at a time, reporting after each batch.
    /// </summary>
    public async Task<BackfillProgress> RunAsync(
        EmbeddingCollection collection, string? tenantId, int batchSize, IProgress<BackfillProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var state = new BackfillProgress(collection, 0, 0, null);
        while (true)
        {
            int seen, written;
            TenantKey? last;
            if (collection == EmbeddingCollection.Anomalies)
            {
                var batch = await anomalies.ListWithoutEmbeddingAsync(tenantId, state.LastKey, batchSize, cancellationToken);
                if (batch.Count == 0) return state;
                (seen, written) = (batch.Count, await EmbedAnomaliesAsync(batch, cancellationToken));
                last = new TenantKey(batch[^1].TenantId, batch[^1].AnomalyId);
            }
            else
            {
                var batch = await investigations.ListWithoutEmbeddingAsync(tenantId, state.LastKey, batchSize, cancellationToken);
                if (batch.Count == 0) return state;
                (seen, written) = (batch.Count, await EmbedInvestigationsAsync(batch, cancellationToken));
                last = new TenantKey(batch[^1].TenantId, batch[^1].InvestigationId);
            }
            state = state with { Seen = state.Seen + seen, Written = state.Written + written, LastKey = last };
            progress?.Report(state);
        }
    }

    /// <summary>Embeds the anomalies that have no embedding; returns how many were stored.</summary>
    public async Task<int> EmbedAnomaliesAsync(IReadOnlyList<AnomalyEvent> batch, CancellationToken cancellationToken)
    {
        var todo = batch.Where(a => a.Embedding.Length == 0).ToList();
        if (todo.Count == 0) return 0;
        var types = new Dictionary<(string, string), DetectorType?>();
        var texts = new List<string>(todo.Count);
        foreach (var anomaly in todo)
        {
            var key = (anomaly.TenantId, anomaly.DetectorId);
            if (!types.TryGetValue(key, out var type))
                types[key] = type = (await detectors.GetAsync(anomaly.TenantId, anomaly.DetectorId, cancellationToken))?.Type;
            texts.Add(EmbeddingTexts.ForAnomaly(anomaly, type));
        }
        var vectors = await embedder.EmbedAsync(texts, cancellationToken);
        var written = 0;
        for (var i = 0; i < todo.Count; i++)
            if (await anomalies.SetEmbeddingIfMissingAsync(todo[i].TenantId, todo[i].AnomalyId, vectors[i], cancellationToken)) written++;
        return written;
    }

    /// <summary>
    /// Embeds the investigations that have no embedding and some text to embed, each guarded on the version it was
    /// read at; returns how many were stored.
    /// </summary>
    public async Task<int> EmbedInvestigationsAsync(IReadOnlyList<Investigation> batch, CancellationToken cancellationToken)
    {
        var todo = batch
            .Where(i => i.Embedding.Length == 0)
            .Select(i => (Investigation: i, Text: EmbeddingTexts.ForInvestigation(i)))
            .Where(x => x.Text is not null)
            .ToList();
        if (todo.Count == 0) return 0;
        var vectors = await embedder.EmbedAsync(todo.Select(x => x.Text!).ToList(), cancellationToken);
        var written = 0;
        for (var i = 0; i < todo.Count; i++)
        {
            var investigation = todo[i].Investigation;
            if (await investigations.SetEmbeddingAsync(investigation.TenantId, investigation.InvestigationId, investigation.Version, vectors[i], cancellationToken))
                written++;
        }
        return written;
    }
}
