using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Migration.Canonical;
using Olorin.Migration.Checkpoints;
using Olorin.Migration.Collections;
using Olorin.Migration.Diagnostics;
using Olorin.Migration.Raw;

namespace Olorin.Migration.Verification;

/// <summary>
/// Proves a target equal to its source, collection by collection: counts; then both sides are streamed in export
/// (key) order, cut into key ranges of <see cref="VerifyOptions.RangeSize"/> source documents, and each side of a range
/// gets an order-independent content hash (the sum of per-document XxHash3 of key + <see cref="CanonicalForm"/>);
/// only a range whose counts or hashes differ is diffed document by document and field by field. Memory holds two
/// ranges per side at most; a checkpoint per collection on the target after every range makes it resumable.
/// Between two PostgreSQL databases of the same shape (the raw path) each server first digests the whole collection;
/// only when those digests differ is the collection cut into ranges as above, so an equal collection costs one scan
/// per side and is resumable per collection.
/// </summary>
public sealed class Verifier(MigrationEndpoint source, MigrationEndpoint target, VerifyOptions options, IVerifyObserver observer)
{
    public const string CheckpointKind = "verify";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly CheckpointStore checkpoints = new(target, CheckpointKind);

    public async Task<IReadOnlyList<CollectionVerification>> VerifyAsync(IReadOnlyList<MigrationCollection> collections, CancellationToken cancellationToken)
    {
        // Every checkpoint in one round trip: resuming when any selected collection's is still running.
        var saved = options.Restart ? null : await checkpoints.ListAsync(cancellationToken);
        var resuming = saved is not null && collections.Any(c => saved.TryGetValue(c.Name, out var checkpoint) && checkpoint.IsRunning);

        // Up to Parallelism collections at once, each over its own connections: a collection's digests keep both
        // servers busy only between its round trips. Results in the collections' order; the first error stops the rest.
        return await Concurrently.MapAsync(collections, options.Parallelism,
            (collection, token) => VerifyCollectionAsync(collection, resuming ? saved!.GetValueOrDefault(collection.Name) : null, token), cancellationToken);
    }

    private sealed class Tally
    {
        public long Compared { get; set; }
        public long Ranges { get; set; }
        public long DifferingRanges { get; set; }
        public long Missing { get; set; }
        public long Extra { get; set; }
        public long Different { get; set; }
        public long WithEmbedding { get; set; }
        public long EmbeddingMismatches { get; set; }
        public List<DocumentMismatch> Mismatches { get; set; } = [];
    }

    private sealed record Item(object Document, DocumentKey Key, string Cursor, byte[] Canonical, ulong Hash, float[]? Embedding);

    private async Task<CollectionVerification> VerifyCollectionAsync(MigrationCollection collection, Checkpoint? previous, CancellationToken cancellationToken)
    {
        Timeline.Mark($"verify {collection.Name}: start");
        var clock = Stopwatch.StartNew();
        var raw = options.RawRows ? await RawPath.FindAsync(source, target, collection, cancellationToken) : null;
        Timeline.Mark($"verify {collection.Name}: raw path found");
        long sourceCount, targetCount;
        RawRangeDigest? wholeSource = null, wholeTarget = null;
        if (raw is not null && previous is null)
        {
            // A fresh raw verification first digests the whole collection on each side, both at once: one sequential
            // scan per server, which also counts (no count queries) and covers rows beyond the source's last key. Only
            // when the two differ are ranges digested (index range scans, about five times the server CPU per row of
            // the whole-table scan, measured on transaction_scores) to find the documents that differ.
            var sourceDigesting = raw.Source.DigestAsync(collection.Name, null, null, cancellationToken);
            var targetDigesting = raw.Target.DigestAsync(collection.Name, null, null, cancellationToken);
            (wholeSource, wholeTarget) = (await sourceDigesting, await targetDigesting);
            (sourceCount, targetCount) = (wholeSource.Value.Count, wholeTarget.Value.Count);
        }
        else
        {
            // On the raw path the servers count too (no query compilation through the models); both sides at once.
            var sourceCounting = raw is not null ? raw.Source.CountAsync(collection.Name, cancellationToken) : CountAsync(source, collection, cancellationToken);
            var targetCounting = raw is not null ? raw.Target.CountAsync(collection.Name, cancellationToken) : CountAsync(target, collection, cancellationToken);
            (sourceCount, targetCount) = (await sourceCounting, await targetCounting);
        }

        var tally = previous?.Results is { } saved ? saved.Deserialize<Tally>(Json) ?? new Tally() : new Tally();
        if (previous is { State: Checkpoint.Complete })
        {
            observer.Started(collection.Name, sourceCount, targetCount, tally.Compared, resumed: true);
            return Result(collection, sourceCount, targetCount, tally, TimeSpan.FromSeconds(previous.ElapsedSeconds), resumed: true);
        }

        var now = DateTime.UtcNow;
        var checkpoint = previous ?? new Checkpoint { RunId = Guid.NewGuid().ToString("N"), Source = source.Description, StartedAt = now, UpdatedAt = now };
        var resumed = previous is not null;
        observer.Started(collection.Name, sourceCount, targetCount, tally.Compared, resumed);
        var elapsedBefore = checkpoint.ElapsedSeconds;
        var comparedBefore = tally.Compared;
        Func<double> elapsed = () => elapsedBefore + clock.Elapsed.TotalSeconds;

        Timeline.Mark($"verify {collection.Name}: {(wholeSource is null ? "counted" : "whole collection digested")}");
        if (wholeSource is { } whole && wholeTarget is { } other && Same(whole, other))
        {
            CountEqual(tally, whole);
            observer.Progress(collection.Name, tally.Compared);
        }
        else
        {
            if (raw is not null) checkpoint = await CompareDigestsAsync(collection, raw, checkpoint, tally, elapsed, cancellationToken);
            // The whole collection on the portable path; after the digests, only what the target holds beyond the source's
            // last key, read through the models only when the target's server counts such rows (usually none: then no
            // model is built and no export query compiled for the collection).
            if (raw is null || await raw.Target.DigestAsync(collection.Name, checkpoint.Cursor is { } last ? collection.KeyValues(last) : null, null, cancellationToken) is { Count: > 0 })
                checkpoint = await CompareDocumentsAsync(collection, checkpoint, upTo: null, tally, elapsed, cancellationToken);
        }

        Timeline.Mark($"verify {collection.Name}: compared ({tally.Compared})");
        checkpoint = checkpoint with { State = Checkpoint.Complete, ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds, UpdatedAt = DateTime.UtcNow, Results = JsonSerializer.SerializeToElement(tally, Json) };
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        return Result(collection, sourceCount, targetCount, tally, TimeSpan.FromSeconds(checkpoint.ElapsedSeconds), resumed) with { Raw = raw is not null, ComparedThisRun = tally.Compared - comparedBefore };
    }

    /// <summary>Two servers' digests of the same keys (a range or the whole collection) that say its documents are equal.</summary>
    private static bool Same(RawRangeDigest source, RawRangeDigest target) => source.Count == target.Count && source.Digest == target.Digest;

    /// <summary>An equal digest's documents, counted as compared without being read.</summary>
    private static void CountEqual(Tally tally, RawRangeDigest digest)
    {
        tally.Ranges++;
        tally.Compared += digest.Count;
        tally.WithEmbedding += digest.WithEmbedding;
    }

    private static async Task<long> CountAsync(MigrationEndpoint endpoint, MigrationCollection collection, CancellationToken cancellationToken)
    {
        await using var scope = endpoint.Services.CreateAsyncScope();
        return await collection.CountAsync(scope.ServiceProvider, cancellationToken);
    }

    /// <summary>
    /// The same-backend fast path: the source's key ranges (<see cref="VerifyOptions.DigestRangeSize"/> rows) get a
    /// digest computed by each server over its stored values, both at once, while the source finds the next range's
    /// end; equal digests (same count, same sum of row hashes) mean identical stored values, hence identical canonical
    /// forms. A range whose digests differ is read through the models and compared by canonical form and field
    /// (<see cref="CompareDocumentsAsync"/>, in ranges of <see cref="VerifyOptions.RangeSize"/>), which decides.
    /// </summary>
    private async Task<Checkpoint> CompareDigestsAsync(
        MigrationCollection collection, RawPath raw, Checkpoint checkpoint, Tally tally, Func<double> elapsed, CancellationToken cancellationToken)
    {
        var after = checkpoint.Cursor is { } cursor ? collection.KeyValues(cursor) : null;
        var size = Math.Max(options.DigestRangeSize, options.RangeSize);
        var boundary = raw.Source.BoundaryAsync(collection.Name, after, size, cancellationToken);
        while (await boundary is { } upTo)
        {
            boundary = raw.Source.BoundaryAsync(collection.Name, upTo, size, cancellationToken);
            var sourceDigest = raw.Source.DigestAsync(collection.Name, after, upTo, cancellationToken);
            var targetDigest = raw.Target.DigestAsync(collection.Name, after, upTo, cancellationToken);
            var (sourceRange, targetRange) = (await sourceDigest, await targetDigest);
            if (Same(sourceRange, targetRange))
            {
                CountEqual(tally, sourceRange);
                checkpoint = await SaveAsync(collection, checkpoint with { Cursor = collection.CursorOf(upTo) }, tally, elapsed, cancellationToken);
            }
            else
            {
                checkpoint = await CompareDocumentsAsync(collection, checkpoint, collection.CursorOf(upTo), tally, elapsed, cancellationToken);
                checkpoint = await SaveAsync(collection, checkpoint with { Cursor = collection.CursorOf(upTo) }, tally, elapsed, cancellationToken);
            }
            after = upTo;
        }
        return checkpoint;
    }

    private async Task<Checkpoint> SaveAsync(MigrationCollection collection, Checkpoint checkpoint, Tally tally, Func<double> elapsed, CancellationToken cancellationToken)
    {
        checkpoint = checkpoint with { ElapsedSeconds = elapsed(), UpdatedAt = DateTime.UtcNow, Results = JsonSerializer.SerializeToElement(tally, Json) };
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        observer.Progress(collection.Name, tally.Compared);
        return checkpoint;
    }

    /// <summary>
    /// The portable comparison, from the checkpoint's cursor to <paramref name="upTo"/> (the end when null): both sides
    /// streamed through the models, cut into ranges of <see cref="VerifyOptions.RangeSize"/> source documents, a content
    /// hash per range and side, and a document/field diff of a range whose hashes differ.
    /// </summary>
    private async Task<Checkpoint> CompareDocumentsAsync(
        MigrationCollection collection, Checkpoint checkpoint, string? upTo, Tally tally, Func<double> elapsed, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sourceItems = Prefetch(source, collection, checkpoint.Cursor, upTo, linked.Token);
        var targetItems = Prefetch(target, collection, checkpoint.Cursor, upTo, linked.Token);
        try
        {
            await using var src = sourceItems.Reader.ReadAllAsync(linked.Token).GetAsyncEnumerator(linked.Token);
            await using var tgt = targetItems.Reader.ReadAllAsync(linked.Token).GetAsyncEnumerator(linked.Token);
            var targetPending = await tgt.MoveNextAsync() ? tgt.Current : null;
            var sourceDone = false;
            while (true)
            {
                var sourceRange = new List<Item>(options.RangeSize);
                while (!sourceDone && sourceRange.Count < options.RangeSize)
                {
                    if (await src.MoveNextAsync()) sourceRange.Add(src.Current);
                    else sourceDone = true;
                }

                var targetRange = new List<Item>();
                if (sourceRange.Count > 0)
                {
                    var boundary = sourceRange[^1].Document;
                    while (targetPending is not null && collection.CompareOrder(targetPending.Document, boundary) <= 0)
                    {
                        targetRange.Add(targetPending);
                        targetPending = await tgt.MoveNextAsync() ? tgt.Current : null;
                    }
                }
                else
                {
                    // The source is exhausted: whatever the target still holds is extra, range by range.
                    while (targetPending is not null && targetRange.Count < options.RangeSize)
                    {
                        targetRange.Add(targetPending);
                        targetPending = await tgt.MoveNextAsync() ? tgt.Current : null;
                    }
                    if (targetRange.Count == 0) break;
                }

                CompareRange(collection, sourceRange, targetRange, tally);
                var cursor = sourceRange.Count > 0 ? sourceRange[^1].Cursor : targetRange[^1].Cursor;
                checkpoint = await SaveAsync(collection, checkpoint with { Cursor = cursor }, tally, elapsed, linked.Token);
            }
        }
        finally
        {
            await linked.CancelAsync();
        }
        return checkpoint;
    }

    private CollectionVerification Result(MigrationCollection collection, long sourceCount, long targetCount, Tally tally, TimeSpan elapsed, bool resumed)
        => new(collection.Name, sourceCount, targetCount, tally.Compared, tally.Ranges, tally.DifferingRanges, tally.Missing, tally.Extra,
            tally.Different, tally.Mismatches,
            collection.Name == "anomaly_events" || tally.WithEmbedding > 0 ? new EmbeddingCoverage(tally.WithEmbedding, tally.WithEmbedding - tally.EmbeddingMismatches) : null,
            elapsed, resumed);

    /// <summary>Hashes both sides of one range; only when they differ, finds the documents and fields that do.</summary>
    private void CompareRange(MigrationCollection collection, List<Item> sourceRange, List<Item> targetRange, Tally tally)
    {
        tally.Ranges++;
        tally.Compared += sourceRange.Count > 0 ? sourceRange.Count : targetRange.Count;
        var withEmbedding = sourceRange.Count(i => i.Embedding is { Length: > 0 });
        tally.WithEmbedding += withEmbedding;

        ulong sourceHash = 0, targetHash = 0;
        foreach (var item in sourceRange) sourceHash += item.Hash;
        foreach (var item in targetRange) targetHash += item.Hash;
        if (sourceRange.Count == targetRange.Count && sourceHash == targetHash) return;

        tally.DifferingRanges++;
        var targetByKey = new Dictionary<DocumentKey, Item>(targetRange.Count);
        foreach (var item in targetRange) targetByKey[item.Key] = item;
        foreach (var item in sourceRange)
        {
            if (!targetByKey.Remove(item.Key, out var other))
            {
                tally.Missing++;
                if (item.Embedding is { Length: > 0 }) tally.EmbeddingMismatches++;
                Keep(tally, new DocumentMismatch(collection.Name, MismatchKinds.Missing, item.Key.TenantId, item.Key.Id, []));
                continue;
            }
            if (item.Embedding is { Length: > 0 } && !SameBits(item.Embedding, other.Embedding)) tally.EmbeddingMismatches++;
            if (item.Canonical.AsSpan().SequenceEqual(other.Canonical)) continue;
            tally.Different++;
            if (tally.Mismatches.Count < options.Limit)
                Keep(tally, new DocumentMismatch(collection.Name, MismatchKinds.Different, item.Key.TenantId, item.Key.Id, FieldDiff.Compare(item.Canonical, other.Canonical)));
        }
        foreach (var extra in targetByKey.Values)
        {
            tally.Extra++;
            Keep(tally, new DocumentMismatch(collection.Name, MismatchKinds.Extra, extra.Key.TenantId, extra.Key.Id, []));
        }
    }

    private void Keep(Tally tally, DocumentMismatch mismatch)
    {
        if (tally.Mismatches.Count < options.Limit) tally.Mismatches.Add(mismatch);
    }

    private static bool SameBits(float[] a, float[]? b)
    {
        if (b is null || a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return false;
        return true;
    }

    /// <summary>Reads one side in its own task, writing canonical forms ahead (bounded), so both sides and the comparison overlap.</summary>
    private Channel<Item> Prefetch(MigrationEndpoint endpoint, MigrationCollection collection, string? cursor, string? upTo, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(options.RangeSize) { SingleReader = true, SingleWriter = true });
        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = endpoint.Services.CreateAsyncScope();
                await foreach (var exported in collection.ExportAsync(scope.ServiceProvider, cursor, cancellationToken))
                {
                    if (upTo is not null && collection.CompareToCursor(exported.Document, upTo) > 0) break;
                    var canonical = CanonicalForm.Of(exported.Document);
                    var item = new Item(exported.Document, exported.Key, exported.Cursor, canonical,
                        CanonicalForm.Hash(exported.Key, canonical), collection.EmbeddingOf(exported.Document));
                    await channel.Writer.WriteAsync(item, cancellationToken);
                }
                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
            }
        }, cancellationToken);
        return channel;
    }
}
