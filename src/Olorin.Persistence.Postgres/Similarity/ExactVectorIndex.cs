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

    /// <summary>How long a tenant whose load failed is ranked in PostgreSQL before it is loaded again.</summary>
    public static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(30);

    /// <summary>Loads at once: each holds a pooled connection for its whole stream.</summary>
    public const int MaxConcurrentLoads = 2;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> tenants = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim loadSlots = new(MaxConcurrentLoads, MaxConcurrentLoads);
    private long heldBytes;
    private long loads;

    public bool Enabled => options.Value.ExactIndexMaxMegabytes > 0;

    /// <summary>A refresh reading more changed rows than this reloads the tenant by streaming instead (bounded memory).</summary>
    internal int MaxDeltaRows { get; set; } = 10_000;

    private long MaxBytes => (long)options.Value.ExactIndexMaxMegabytes << 20;

    /// <summary>The memory the loaded tenants hold (and the loads under way have reserved), as the budget counts it.</summary>
    public long HeldBytes
    {
        get { lock (gate) return heldBytes; }
    }

    /// <summary>How many tenant loads were started (for tests and diagnostics).</summary>
    public long Loads => Interlocked.Read(ref loads);

    /// <summary>Whether the tenant is loaded now (for tests and diagnostics).</summary>
    public bool Holds(string tenantId)
    {
        lock (gate) return tenants.TryGetValue(tenantId, out var entry) && entry.Loading.IsCompletedSuccessfully && entry.Loading.Result is not null;
    }

    /// <summary>
    /// The query's <c>K</c> nearest anomalies of the tenant (cosine similarity, most similar first, ties by anomaly
    /// id), exactly, as of a moment after the call began; null when the index is off, the tenant does not fit or its
    /// load failed, or (unless <paramref name="waitForLoad"/>) when the tenant is still being loaded or no load slot is
    /// free — the load goes on for the next query.
    /// </summary>
    public async Task<List<(string AnomalyId, double Similarity)>?> NearestAsync(
        string tenantId, SimilarityQuery query, bool waitForLoad, CancellationToken cancellationToken)
    {
        if (!Enabled) return null;
        var started = Stopwatch.GetTimestamp();
        // A second pass only when the held copy cannot be brought up to date by a change read: then it is reloaded.
        for (var pass = 0; pass < 2; pass++)
        {
            var entry = EntryFor(tenantId, waitForLoad);
            if (entry is null || (!waitForLoad && !entry.Loading.IsCompleted)) return null;
            // LoadAsync never throws: a failed load is a null result with a retry time.
            var held = await entry.Loading.WaitAsync(cancellationToken);
            if (held is null) return null;
            switch (await held.RefreshAsync(dataSource, tenantId, started, MaxDeltaRows, cancellationToken))
            {
                case Refresh.Done:
                    if (!Account(tenantId, entry, held)) return null;
                    return held.Nearest(query);
                case Refresh.HorizonAhead:
                    // A reload now would not get past the horizon either: PostgreSQL ranks until the retry.
                    logger.LogWarning(
                        "Similarity: the current snapshot of tenant {TenantId} is at or below anomaly_change_horizon.pruned_through (a reload would not help); its exact searches rank in PostgreSQL (checked again in {Retry}).",
                        tenantId, TooLargeRetry);
                    NotHeld(tenantId, entry, TooLargeRetry);
                    return null;
                default:
                    Forget(tenantId, entry);
                    continue;
            }
        }
        return null;
    }

    /// <summary>The tenant's entry, starting its load if needed; null when no load slot is free and the caller does not wait.</summary>
    private Entry? EntryFor(string tenantId, bool waitForLoad)
    {
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (tenants.TryGetValue(tenantId, out var entry))
            {
                // A tenant not held (too large, failed) keeps its retry time; any other is touched.
                if (entry.RetryAt == 0) entry.LastUsed = now;
                if (entry.RetryAt == 0 || now < entry.RetryAt) return entry;
            }
            var slotTaken = !waitForLoad;
            if (slotTaken && !loadSlots.Wait(0)) return null;
            entry = new Entry { LastUsed = now };
            Interlocked.Increment(ref loads);
            // Not the caller's token: other queries wait for the same load.
            entry.Loading = Task.Run(() => LoadAsync(tenantId, entry, slotTaken));
            tenants[tenantId] = entry;
            return entry;
        }
    }

    private async Task<Held?> LoadAsync(string tenantId, Entry entry, bool slotTaken)
    {
        if (!slotTaken) await loadSlots.WaitAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var sentAt = Stopwatch.GetTimestamp();
            var vectors = new TenantVectors(AnomalyEventConfiguration.EmbeddingDimensions);
            var max = MaxBytes;
            // Reserved from the count before streaming (a tenant too large alone evicts no one), then as rows arrive.
            var snapshot = await ExactIndexSql.LoadAsync(dataSource, tenantId,
                count => TenantVectors.EstimateBytes(vectors.Dimensions, count) is var estimate && estimate <= max && Reserve(tenantId, entry, estimate),
                (id, severity, detector, embedding) =>
                {
                    vectors.Upsert(id, severity, detector, embedding.Span);
                    return Reserve(tenantId, entry, vectors.TrimmedBytes);
                }, CancellationToken.None);
            if (snapshot is null)
            {
                logger.LogWarning(
                    "Similarity: tenant {TenantId} does not fit in SIMILARITY_EXACT_INDEX_MAX_MB ({MaxMegabytes} MiB) beside the loads under way; its exact searches rank in PostgreSQL (checked again in {Retry}).",
                    tenantId, max >> 20, TooLargeRetry);
                return NotHeld(tenantId, entry, TooLargeRetry);
            }
            vectors.TrimExcess();
            Reserve(tenantId, entry, vectors.Bytes);
            logger.LogInformation(
                "Similarity: loaded {Count} embeddings of tenant {TenantId} into the exact index in {Milliseconds} ms ({Megabytes:F1} MiB).",
                vectors.Count, tenantId, clock.ElapsedMilliseconds, vectors.Bytes / 1048576.0);
            return new Held(vectors, snapshot, sentAt);
        }
        catch (Exception exception)
        {
            // Not the next request's failure: it ranks in PostgreSQL, and the load is tried again after a pause.
            logger.LogWarning(exception, "Similarity: loading tenant {TenantId} into the exact index failed; its searches rank in PostgreSQL (retried in {Retry}).", tenantId, FailedRetry);
            return NotHeld(tenantId, entry, FailedRetry);
        }
        finally
        {
            loadSlots.Release();
        }
    }

    /// <summary>
    /// Counts <paramref name="bytes"/> for the tenant against the budget before it is held, evicting the least recently
    /// used loaded tenants; false when it does not fit even then (other loads' reservations count too).
    /// </summary>
    private bool Reserve(string tenantId, Entry entry, long bytes)
    {
        lock (gate)
        {
            if (bytes <= entry.Bytes) return true;
            heldBytes += bytes - entry.Bytes;
            entry.Bytes = bytes;
            EvictBeyondBudget(tenantId);
            return heldBytes <= MaxBytes;
        }
    }

    /// <summary>Releases the tenant's bytes and marks it ranked in PostgreSQL until <paramref name="retry"/> has passed.</summary>
    private Held? NotHeld(string tenantId, Entry entry, TimeSpan retry)
    {
        lock (gate)
        {
            heldBytes -= entry.Bytes;
            entry.Bytes = 0;
            var now = Stopwatch.GetTimestamp();
            var notHeld = new Entry { LastUsed = now, RetryAt = now + (long)(retry.TotalSeconds * Stopwatch.Frequency), Loading = Task.FromResult<Held?>(null) };
            if (!tenants.TryGetValue(tenantId, out var current) || ReferenceEquals(current, entry)) tenants[tenantId] = notHeld;
            // A loading entry is replaced too: a query waiting on its task still sees its null result.
            return null;
        }
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
                NotHeld(tenantId, entry, TooLargeRetry);
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

        /// <summary>Non-zero for a tenant not held (too large, load failed): when to try loading it again.</summary>
        public long RetryAt { get; init; }

        /// <summary>What <see cref="heldBytes"/> counts for this tenant.</summary>
        public long Bytes { get; set; }
    }

    /// <summary>How a refresh ended; HorizonAhead: even a snapshot taken now is behind the deletion log's horizon.</summary>
    private enum Refresh { Done, BehindHorizon, HorizonAhead, TooMany }

    /// <summary>A loaded tenant: its vectors, the snapshot of the last read applied to them (the next change read starts
    /// there), and when that read was sent.</summary>
    private sealed class Held(TenantVectors vectors, XidSnapshot applied, long readSentAt)
    {
        private readonly SemaphoreSlim refreshing = new(1, 1);
        private readonly ReaderWriterLockSlim access = new(LockRecursionPolicy.NoRecursion);
        private XidSnapshot applied = applied;
        private long readSentAt = readSentAt;

        public long Bytes => vectors.Bytes;

        /// <summary>
        /// Applies what changed since the last read, unless a read sent after <paramref name="started"/> has already
        /// been applied. Not done when the deletion log no longer reaches back to the applied snapshot's xmin (the oldest
        /// transaction whose deletions it may still need), or when more than <paramref name="maxRows"/> rows changed
        /// (reload it).
        /// </summary>
        public async Task<Refresh> RefreshAsync(NpgsqlDataSource dataSource, string tenantId, long started, int maxRows, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref readSentAt) >= started) return Refresh.Done;
            await refreshing.WaitAsync(cancellationToken);
            try
            {
                if (readSentAt >= started) return Refresh.Done;
                var sentAt = Stopwatch.GetTimestamp();
                var delta = await ExactIndexSql.ChangesSinceAsync(dataSource, tenantId, applied, maxRows, cancellationToken);
                if (delta.PrunedThrough >= applied.Xmin) return delta.PrunedThrough >= delta.Snapshot.Xmin ? Refresh.HorizonAhead : Refresh.BehindHorizon;
                if (delta.TooMany) return Refresh.TooMany;
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
                applied = delta.Snapshot;
                Volatile.Write(ref readSentAt, sentAt);
                return Refresh.Done;
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
