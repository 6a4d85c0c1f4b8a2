using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres.Configurations;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// An in-process exact ("flat") vector index of the anomalies, per tenant: every candidate's cosine similarity is
/// computed over contiguous memory (<see cref="TenantVectors"/>), so ranking 100,000 takes milliseconds where
/// PostgreSQL's per-row distance and tuple handling took ~60 ms of CPU (docs/performance.md, "Similarity").
/// <para>
/// Fresh without a scan: before answering, a query reads what changed in its tenant since the index last looked
/// (<see cref="ExactIndexSql.ChangesSinceAsync"/>: one round trip, index-backed, usually no rows) and applies it, so
/// it sees every write committed before it started, by this instance or any other. A query that started before a
/// change read now being applied waits for it instead of sending its own.
/// </para>
/// <para>
/// Memory is bounded by <c>SIMILARITY_EXACT_INDEX_MAX_MB</c> over all tenants: the least recently used tenants are
/// evicted to make room, and a tenant larger than the whole budget is not held (<see cref="NearestAsync"/> returns
/// null and the caller ranks it exactly in PostgreSQL); it is tried again after <see cref="TooLargeRetry"/>. A tenant
/// is loaded once per instance, streamed, and concurrent first queries wait for that one load.
/// </para>
/// </summary>
internal sealed class ExactVectorIndex(NpgsqlDataSource dataSource, IOptions<PostgresVectorSearchOptions> options, ILogger<ExactVectorIndex> logger)
{
    public static readonly TimeSpan TooLargeRetry = TimeSpan.FromMinutes(5);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> tenants = new(StringComparer.Ordinal);
    private long heldBytes;

    public bool Enabled => options.Value.ExactIndexMaxMegabytes > 0;

    private long MaxBytes => (long)options.Value.ExactIndexMaxMegabytes << 20;

    /// <summary>The memory the loaded tenants hold, as the budget counts it.</summary>
    public long HeldBytes
    {
        get { lock (gate) return heldBytes; }
    }

    /// <summary>Whether the tenant is loaded now (for tests and diagnostics).</summary>
    public bool Holds(string tenantId)
    {
        lock (gate) return tenants.TryGetValue(tenantId, out var entry) && entry.Loading.IsCompletedSuccessfully && entry.Loading.Result is not null;
    }

    /// <summary>
    /// The query's <c>K</c> nearest anomalies of the tenant (cosine similarity, most similar first, ties by anomaly
    /// id), exactly, as of a moment after the call began; null when the index is off or the tenant does not fit, or
    /// (unless <paramref name="waitForLoad"/>) when the tenant is still being loaded — the load goes on for the next query.
    /// </summary>
    public async Task<List<(string AnomalyId, double Similarity)>?> NearestAsync(
        string tenantId, SimilarityQuery query, bool waitForLoad, CancellationToken cancellationToken)
    {
        if (!Enabled) return null;
        var started = Stopwatch.GetTimestamp();
        // A second pass only when the deletion log was pruned past what the held copy knows: then it is reloaded.
        for (var pass = 0; pass < 2; pass++)
        {
            var entry = EntryFor(tenantId);
            if (!waitForLoad && !entry.Loading.IsCompleted) return null;
            Held? held;
            try
            {
                held = await entry.Loading.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                Forget(tenantId, entry);
                throw;
            }
            if (held is null) return null;
            if (!await held.RefreshAsync(dataSource, tenantId, started, cancellationToken))
            {
                Forget(tenantId, entry);
                continue;
            }
            if (!Account(tenantId, entry, held)) return null;
            return held.Nearest(query);
        }
        return null;
    }

    private Entry EntryFor(string tenantId)
    {
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (tenants.TryGetValue(tenantId, out var entry))
            {
                // A tenant found too large keeps the time it was found so (the retry clock); any other is touched.
                var tooLarge = entry.Loading.IsCompletedSuccessfully && entry.Loading.Result is null;
                if (!tooLarge) entry.LastUsed = now;
                if (!tooLarge || Stopwatch.GetElapsedTime(entry.LastUsed, now) <= TooLargeRetry) return entry;
            }
            entry = new Entry { LastUsed = now };
            // Not the caller's token: other queries wait for the same load.
            entry.Loading = Task.Run(() => LoadAsync(tenantId, entry));
            tenants[tenantId] = entry;
            return entry;
        }
    }

    private async Task<Held?> LoadAsync(string tenantId, Entry entry)
    {
        var clock = Stopwatch.StartNew();
        var sentAt = Stopwatch.GetTimestamp();
        var vectors = new TenantVectors(AnomalyEventConfiguration.EmbeddingDimensions);
        var max = MaxBytes;
        var xmin = await ExactIndexSql.LoadAsync(dataSource, tenantId, (id, severity, detector, embedding) =>
        {
            vectors.Upsert(id, severity, detector, embedding.Span);
            return vectors.TrimmedBytes <= max;
        }, CancellationToken.None);
        if (xmin < 0)
        {
            logger.LogWarning(
                "Similarity: tenant {TenantId} needs more than SIMILARITY_EXACT_INDEX_MAX_MB ({MaxMegabytes} MiB) in the exact index; its exact searches rank in PostgreSQL (checked again in {Retry}).",
                tenantId, max >> 20, TooLargeRetry);
            return null;
        }
        vectors.TrimExcess();
        var held = new Held(vectors, xmin, sentAt);
        lock (gate)
        {
            entry.Bytes = vectors.Bytes;
            heldBytes += entry.Bytes;
            EvictBeyondBudget(tenantId);
        }
        logger.LogInformation(
            "Similarity: loaded {Count} embeddings of tenant {TenantId} into the exact index in {Milliseconds} ms ({Megabytes:F1} MiB).",
            vectors.Count, tenantId, clock.ElapsedMilliseconds, vectors.Bytes / 1048576.0);
        return held;
    }

    /// <summary>Counts a refreshed tenant's growth against the budget; false when it no longer fits at all (then it is dropped).</summary>
    private bool Account(string tenantId, Entry entry, Held held)
    {
        lock (gate)
        {
            entry.LastUsed = Stopwatch.GetTimestamp();
            // Evicted meanwhile: the copy in hand is still fresh for this query; the next one reloads.
            if (!tenants.TryGetValue(tenantId, out var current) || !ReferenceEquals(current, entry)) return true;
            var bytes = held.Bytes;
            heldBytes += bytes - entry.Bytes;
            entry.Bytes = bytes;
            if (bytes > MaxBytes)
            {
                heldBytes -= entry.Bytes;
                tenants[tenantId] = new Entry { LastUsed = entry.LastUsed, Loading = Task.FromResult<Held?>(null) };
                logger.LogWarning("Similarity: tenant {TenantId} outgrew SIMILARITY_EXACT_INDEX_MAX_MB; its exact searches rank in PostgreSQL.", tenantId);
                return false;
            }
            EvictBeyondBudget(tenantId);
            return true;
        }
    }

    /// <summary>Under <see cref="gate"/>: drops the least recently used other tenants while the held total exceeds the budget.</summary>
    private void EvictBeyondBudget(string keep)
    {
        while (heldBytes > MaxBytes)
        {
            string? victim = null;
            Entry? oldest = null;
            foreach (var (tenantId, entry) in tenants)
            {
                if (tenantId == keep || !entry.Loading.IsCompletedSuccessfully || entry.Loading.Result is null) continue;
                if (oldest is null || entry.LastUsed < oldest.LastUsed) (victim, oldest) = (tenantId, entry);
            }
            if (victim is null) return;
            tenants.Remove(victim);
            heldBytes -= oldest!.Bytes;
            logger.LogInformation("Similarity: evicted tenant {TenantId} from the exact index (least recently used; SIMILARITY_EXACT_INDEX_MAX_MB).", victim);
        }
    }

    private void Forget(string tenantId, Entry entry)
    {
        lock (gate)
        {
            if (!tenants.TryGetValue(tenantId, out var current) || !ReferenceEquals(current, entry)) return;
            tenants.Remove(tenantId);
            heldBytes -= entry.Bytes;
        }
    }

    private sealed class Entry
    {
        public Task<Held?> Loading { get; set; } = null!;
        public long LastUsed { get; set; }

        /// <summary>What <see cref="heldBytes"/> counts for this tenant.</summary>
        public long Bytes { get; set; }
    }

    /// <summary>A loaded tenant: its vectors, the xmin its next change read starts at, and when the last read was sent.</summary>
    private sealed class Held(TenantVectors vectors, long xmin, long readSentAt)
    {
        private readonly SemaphoreSlim refreshing = new(1, 1);
        private readonly ReaderWriterLockSlim access = new(LockRecursionPolicy.NoRecursion);
        private long xmin = xmin;
        private long readSentAt = readSentAt;

        public long Bytes => vectors.Bytes;

        /// <summary>
        /// Applies what changed since the last read, unless a read sent after <paramref name="started"/> has already
        /// been applied. False when the deletion log no longer reaches back to the held copy's xmin (reload it).
        /// </summary>
        public async Task<bool> RefreshAsync(NpgsqlDataSource dataSource, string tenantId, long started, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref readSentAt) >= started) return true;
            await refreshing.WaitAsync(cancellationToken);
            try
            {
                if (readSentAt >= started) return true;
                var sentAt = Stopwatch.GetTimestamp();
                var delta = await ExactIndexSql.ChangesSinceAsync(dataSource, tenantId, xmin, cancellationToken);
                if (delta.PrunedThrough >= xmin) return false;
                if (delta.Upserts.Count > 0 || delta.Deletions.Count > 0)
                {
                    access.EnterWriteLock();
                    try
                    {
                        foreach (var (id, severity, detector, embedding) in delta.Upserts)
                        {
                            if (embedding is null) vectors.Remove(id);
                            else vectors.Upsert(id, severity, detector, embedding);
                        }
                        foreach (var id in delta.Deletions) vectors.Remove(id);
                    }
                    finally
                    {
                        access.ExitWriteLock();
                    }
                }
                xmin = delta.Xmin;
                Volatile.Write(ref readSentAt, sentAt);
                return true;
            }
            finally
            {
                refreshing.Release();
            }
        }

        public List<(string AnomalyId, double Similarity)> Nearest(SimilarityQuery query)
        {
            access.EnterReadLock();
            try
            {
                return vectors
                    .Nearest(query.Vector, query.K, query.Severity is { } s ? ExactIndexSql.Severity(s) : null, query.DetectorId, query.ExcludeAnomalyId)
                    .Select(n => (n.AnomalyId, (double)n.Similarity))
                    .ToList();
            }
            finally
            {
                access.ExitReadLock();
            }
        }
    }
}
