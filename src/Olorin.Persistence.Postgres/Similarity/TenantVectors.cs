using System.Numerics.Tensors;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// One tenant's anomalies with an embedding, held for exact ranking: the unit-length float32 embeddings in one
/// contiguous array (slot i at <c>[i·D, (i+1)·D)</c>), beside each slot's anomaly id and the columns the similarity
/// filters use (severity, detector as a per-tenant code). A removal moves the last slot into the hole, so the slots
/// stay dense. Not thread-safe: <see cref="ExactVectorIndex"/> writes under a write lock and scans under a read lock.
/// </summary>
internal sealed class TenantVectors(int dimensions)
{
    /// <summary>Below this many slots a scan runs on the calling thread; above, it is split across the cores.</summary>
    private const int ParallelThreshold = 16_384;

    /// <summary>Bookkeeping per slot beyond the vector and the id's characters: the id string's header, the arrays' entries, the id→slot map's entry.</summary>
    private const int SlotOverheadBytes = 24 + 8 + 1 + 4 + 28;

    private readonly Dictionary<string, int> slotOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> detectorCodes = new(StringComparer.Ordinal);
    private float[] vectors = [];
    private string[] ids = [];
    private byte[] severities = [];
    private int[] detectors = [];
    private long idBytes;

    public int Count { get; private set; }

    public int Dimensions { get; } = dimensions;

    /// <summary>The memory this tenant holds (arrays at their capacity, ids, maps), the figure the index's budget counts.</summary>
    public long Bytes => (long)ids.Length * (Dimensions * sizeof(float) + SlotOverheadBytes) + idBytes;

    /// <summary>About what <paramref name="count"/> anomalies take once loaded (ids not counted).</summary>
    public static long EstimateBytes(int dimensions, long count) => (count + count / 16 + 16) * (dimensions * sizeof(float) + SlotOverheadBytes);

    /// <summary>What <see cref="Bytes"/> will be once <see cref="TrimExcess"/> has run (a load checks the budget against this, not its doubling capacity).</summary>
    public long TrimmedBytes => (long)TrimmedCapacity * (Dimensions * sizeof(float) + SlotOverheadBytes) + idBytes;

    private int TrimmedCapacity => Count + Count / 16 + 16;

    /// <summary>
    /// Stores (or replaces) an anomaly. A vector of length zero ranks nowhere (pgvector's cosine distance to it is NaN,
    /// which sorts after every number and never passes a similarity floor), so it is removed instead.
    /// </summary>
    public void Upsert(string anomalyId, byte severity, string detectorId, ReadOnlySpan<float> embedding)
    {
        var norm = TensorPrimitives.Norm(embedding);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            Remove(anomalyId);
            return;
        }
        if (!slotOf.TryGetValue(anomalyId, out var slot))
        {
            if (Count == ids.Length) Grow();
            slot = Count++;
            slotOf[anomalyId] = slot;
            ids[slot] = anomalyId;
            idBytes += 2L * anomalyId.Length;
        }
        severities[slot] = severity;
        detectors[slot] = DetectorCode(detectorId);
        TensorPrimitives.Divide(embedding, norm, vectors.AsSpan(slot * Dimensions, Dimensions));
    }

    public void Remove(string anomalyId)
    {
        if (!slotOf.Remove(anomalyId, out var slot)) return;
        idBytes -= 2L * anomalyId.Length;
        var last = --Count;
        if (slot != last)
        {
            vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(vectors.AsSpan(slot * Dimensions, Dimensions));
            ids[slot] = ids[last];
            severities[slot] = severities[last];
            detectors[slot] = detectors[last];
            slotOf[ids[slot]] = slot;
        }
        ids[last] = null!;
    }

    /// <summary>Gives back the capacity a load's doubling left unused (keeping 1/16 for the next inserts).</summary>
    public void TrimExcess()
    {
        if (TrimmedCapacity < ids.Length) Resize(TrimmedCapacity);
    }

    /// <summary>
    /// The <paramref name="k"/> stored anomalies most similar (cosine) to <paramref name="vector"/> among those the
    /// filters keep, most similar first, ties by anomaly id (ordinal: the ids' collation is "C") — the order of
    /// <c>ORDER BY embedding &lt;=&gt; $v, anomaly_id</c>. Every candidate's similarity is computed: exact.
    /// </summary>
    /// <param name="severity">Only this severity (its stored byte), or null.</param>
    /// <param name="detectorId">Only this detector, or null.</param>
    /// <param name="excludeAnomalyId">Left out, or null.</param>
    public List<(string AnomalyId, float Similarity)> Nearest(
        ReadOnlySpan<float> vector, int k, byte? severity, string? detectorId, string? excludeAnomalyId)
    {
        var result = new List<(string, float)>();
        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0) || Count == 0) return result;
        var detector = -1;
        if (detectorId is not null && !detectorCodes.TryGetValue(detectorId, out detector)) return result;
        var excluded = excludeAnomalyId is not null && slotOf.TryGetValue(excludeAnomalyId, out var slot) ? slot : -1;
        var filter = new Filter(severity is { } s ? s : -1, detector, excluded);

        var query = new float[Dimensions];
        TensorPrimitives.Divide(vector, norm, query);

        var chunks = Count < ParallelThreshold ? 1 : Math.Min(Environment.ProcessorCount, Count / (ParallelThreshold / 2));
        var best = new TopK[chunks];
        if (chunks == 1)
            best[0] = Scan(query, 0, Count, k, filter);
        else
        {
            var size = (Count + chunks - 1) / chunks;
            Parallel.For(0, chunks, c => best[c] = Scan(query, c * size, Math.Min(Count, (c + 1) * size), k, filter));
        }

        var merged = best.SelectMany(t => t.Entries()).ToList();
        merged.Sort((a, b) => Compare(b, a));
        foreach (var (similarity, i) in merged.Take(k)) result.Add((ids[i], similarity));
        return result;
    }

    private TopK Scan(float[] query, int from, int to, int k, Filter filter)
    {
        var top = new TopK(k, this);
        var q = query.AsSpan();
        for (var i = from; i < to; i++)
        {
            if (i == filter.Excluded
                || (filter.Severity >= 0 && severities[i] != filter.Severity)
                || (filter.Detector >= 0 && detectors[i] != filter.Detector)) continue;
            top.Offer(TensorPrimitives.Dot(vectors.AsSpan(i * Dimensions, Dimensions), q), i);
        }
        return top;
    }

    /// <summary>&gt; 0 when <paramref name="a"/> ranks before <paramref name="b"/>: more similar, or as similar with the smaller id.</summary>
    private int Compare((float Similarity, int Slot) a, (float Similarity, int Slot) b)
    {
        var bySimilarity = a.Similarity.CompareTo(b.Similarity);
        return bySimilarity != 0 ? bySimilarity : string.CompareOrdinal(ids[b.Slot], ids[a.Slot]);
    }

    private int DetectorCode(string detectorId)
    {
        if (!detectorCodes.TryGetValue(detectorId, out var code))
        {
            code = detectorCodes.Count;
            detectorCodes[detectorId] = code;
        }
        return code;
    }

    private void Grow() => Resize(Math.Max(64, ids.Length * 2));

    private void Resize(int capacity)
    {
        Array.Resize(ref vectors, capacity * Dimensions);
        Array.Resize(ref ids, capacity);
        Array.Resize(ref severities, capacity);
        Array.Resize(ref detectors, capacity);
    }

    private readonly record struct Filter(int Severity, int Detector, int Excluded);

    /// <summary>A bounded min-heap of the best k (similarity, slot) seen: its root is the worst kept, replaced when something ranks before it.</summary>
    private sealed class TopK(int k, TenantVectors owner)
    {
        private readonly (float Similarity, int Slot)[] heap = new (float, int)[k];
        private int count;

        public void Offer(float similarity, int slot)
        {
            if (count < heap.Length)
            {
                heap[count] = (similarity, slot);
                SiftUp(count++);
            }
            else if (similarity >= heap[0].Similarity && owner.Compare((similarity, slot), heap[0]) > 0)
            {
                heap[0] = (similarity, slot);
                SiftDown(0);
            }
        }

        public IEnumerable<(float Similarity, int Slot)> Entries() => heap.Take(count);

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (owner.Compare(heap[parent], heap[i]) <= 0) return;
                (heap[parent], heap[i]) = (heap[i], heap[parent]);
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                var smallest = i;
                var left = 2 * i + 1;
                var right = left + 1;
                if (left < count && owner.Compare(heap[left], heap[smallest]) < 0) smallest = left;
                if (right < count && owner.Compare(heap[right], heap[smallest]) < 0) smallest = right;
                if (smallest == i) return;
                (heap[smallest], heap[i]) = (heap[i], heap[smallest]);
                i = smallest;
            }
        }
    }
}
