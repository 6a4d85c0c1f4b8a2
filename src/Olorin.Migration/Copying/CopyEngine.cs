using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Migration.Checkpoints;
using Olorin.Migration.Collections;
using Olorin.Migration.Diagnostics;
using Olorin.Migration.Raw;

namespace Olorin.Migration.Copying;

public sealed record CopyOptions
{
    public const int DefaultBatchSize = 1000;
    public const int DefaultRawBatchSize = 10_000;

    /// <summary>Documents per read and per write batch through the models (memory holds two batches per collection).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Rows per <c>COPY</c> transaction and checkpoint on the raw path (<see cref="RawRows"/>). The rows stream from one
    /// server to the other, so memory does not depend on it; each batch costs a boundary query, a transaction and a
    /// checkpoint, which at 1,000 rows were a fifth of the copy's wall clock (measured on the 50k mixed dataset).
    /// </summary>
    public int RawBatchSize { get; init; } = DefaultRawBatchSize;

    public const int DefaultParallelism = 2;

    /// <summary>
    /// How many collections are copied at once, each over its own connections (parents always before the others:
    /// <see cref="MigrationCollection.Parent"/>). Memory is bounded per collection, so it grows with this, not with the data.
    /// </summary>
    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>Ignore checkpoints and copy everything again (idempotent: upserts by key).</summary>
    public bool Restart { get; init; }

    /// <summary>Documents not to copy (the preflight's findings when the operator chose to skip them), per collection.</summary>
    public IReadOnlyDictionary<string, HashSet<DocumentKey>> Skip { get; init; } = new Dictionary<string, HashSet<DocumentKey>>();

    /// <summary>How many failed documents to keep with their ids and errors per collection.</summary>
    public int KeepFailures { get; init; } = 100;

    /// <summary>
    /// Build the target's secondary indexes after loading an empty collection instead of maintaining them row by row
    /// (where the target supports it: <see cref="Olorin.Core.Ports.IBulkLoadIndexes"/>).
    /// </summary>
    public bool DeferIndexes { get; init; } = true;

    /// <summary>
    /// Between two databases of the same backend and stored shape (PostgreSQL → PostgreSQL), move rows in the
    /// backend's own format (<see cref="Olorin.Core.Ports.IRawRowTransfer"/>) instead of through the models. Never
    /// used when documents are to be skipped, nor between different backends.
    /// </summary>
    public bool RawRows { get; init; } = true;
}

public sealed record FailedDocument(DocumentKey Key, string Error);

public sealed record CollectionCopyResult(
    string Collection, long SourceCount, long Copied, long Skipped, long Failed, TimeSpan Elapsed, bool Resumed,
    bool AlreadyComplete, IReadOnlyList<FailedDocument> Failures, TimeSpan IndexBuild = default)
{
    /// <summary>Whether this run copied the collection by the same-backend raw path (<see cref="CopyOptions.RawRows"/>).</summary>
    public bool Raw { get; init; }

    /// <summary>
    /// The documents this run copied: <see cref="Copied"/> less what earlier runs of a resumed collection had copied
    /// (0 for one <see cref="AlreadyComplete"/>). The numerator of a rate over this run's time.
    /// </summary>
    public long CopiedThisRun { get; init; }

    /// <summary>Documents per second of the copy itself (<see cref="Elapsed"/>; the deferred index build is <see cref="IndexBuild"/>).</summary>
    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Copied / Elapsed.TotalSeconds : 0;
}

/// <summary>What the engine tells its caller while it copies (progress bars, logs).</summary>
public interface ICopyObserver
{
    void Started(string collection, long sourceCount, long alreadyDone, bool resumed);
    void Progress(string collection, long done);
    void Failed(string collection, FailedDocument failure);
}

/// <summary>
/// Copies collections from one endpoint to another through the ports: the source is read in export (key) order by
/// one task while another writes the previous batch (bounded channel: at most two batches in memory), each batch is
/// upserted by key and then the collection's checkpoint (cursor of the batch's last document, counters) is stored
/// on the target. A run killed at any point resumes after the last stored batch; a batch written but not
/// checkpointed is written again, which upserts change nothing by.
/// </summary>
public sealed class CopyEngine(MigrationEndpoint source, MigrationEndpoint target, CopyOptions options, ICopyObserver observer)
{
    public const string CheckpointKind = "copy";

    private readonly CheckpointStore checkpoints = new(target, CheckpointKind);

    /// <summary>
    /// Whether a previous run stopped part-way (a collection's checkpoint is still running): then collections that
    /// run completed are not copied again and the others resume; otherwise every collection is copied from the start.
    /// </summary>
    public async Task<bool> IsResumingAsync(IReadOnlyList<MigrationCollection> collections, CancellationToken cancellationToken)
        => await SavedIfResumingAsync(collections, cancellationToken) is not null;

    /// <summary>Every checkpoint (one round trip) when a previous run stopped part-way, otherwise null.</summary>
    private async Task<IReadOnlyDictionary<string, Checkpoint>?> SavedIfResumingAsync(IReadOnlyList<MigrationCollection> collections, CancellationToken cancellationToken)
    {
        if (options.Restart) return null;
        var saved = await checkpoints.ListAsync(cancellationToken);
        return collections.Any(c => saved.TryGetValue(c.Name, out var checkpoint) && checkpoint.IsRunning) ? saved : null;
    }

    public async Task<IReadOnlyList<CollectionCopyResult>> CopyAsync(IReadOnlyList<MigrationCollection> collections, CancellationToken cancellationToken)
    {
        var saved = await SavedIfResumingAsync(collections, cancellationToken);
        var runId = Guid.NewGuid().ToString("N");
        // Up to Parallelism collections are copied at once, each over its own connections (on a 2-core machine the
        // tool, the source and the target share the CPU, and one collection's round trips leave it idle); the parent
        // collections are finished before any other starts. A collection's deferred indexes are built while the next
        // collections are copied (the build is the target server's work); its checkpoint says complete only once they
        // exist. The first error stops the others and is the one reported.
        var finishing = new Task<CollectionCopyResult>?[collections.Count];
        var copies = new List<Task>();
        var parents = new List<Task>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(Math.Max(1, options.Parallelism));
        Exception? firstError = null;
        void Fail(Exception ex)
        {
            if (Interlocked.CompareExchange(ref firstError, ex, null) is null) stop.Cancel();
        }

        // The collections' preparations (path, count, indexes set aside, first checkpoint: a few round trips each) run
        // ahead of their copies, in copy order, Parallelism at a time, and at most Parallelism collections ahead of
        // the copies: preparation i waits for preparation i - Parallelism and for copy i - Parallelism to have taken
        // its slot. So a collection's copy does not wait for its preparation when its turn comes, while no more
        // tables than the copies about to run are without their set-aside indexes (a run that fails or is stopped
        // leaves those few to the resume, not all of them) and a table's emptiness is judged just before its turn.
        // The rows, and the question whether the source captures changes, still wait for that turn.
        var lanes = Math.Max(1, options.Parallelism);
        var preparations = new Task<Prepared>[collections.Count];
        var slotTaken = collections.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        for (var i = 0; i < collections.Count; i++)
        {
            var collection = collections[i];
            var ahead = i >= lanes ? Task.WhenAll(preparations[i - lanes], slotTaken[i - lanes].Task) : Task.CompletedTask;
            preparations[i] = Task.Run(async () =>
            {
                // An earlier preparation's failure is reported by its own continuation (Fail); a stopped run ends this one.
                await ahead.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).WaitAsync(stop.Token);
                stop.Token.ThrowIfCancellationRequested();
                return await PrepareAsync(collection, saved?.GetValueOrDefault(collection.Name), runId, stop.Token);
            }, CancellationToken.None);
        }
        foreach (var preparation in preparations)
            _ = preparation.ContinueWith(t => Fail(t.Exception!.InnerException!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            for (var i = 0; i < collections.Count && !stop.IsCancellationRequested; i++)
            {
                var collection = collections[i];
                var index = i;
                if (!collection.Parent) await Task.WhenAll(parents);
                await slots.WaitAsync(stop.Token);
                slotTaken[index].TrySetResult();
                var copy = Task.Run(async () =>
                {
                    try
                    {
                        var finish = await CopyCollectionAsync(await preparations[index], stop.Token);
                        finishing[index] = finish;
                        _ = finish.ContinueWith(t => Fail(t.Exception!.InnerException!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    }
                    catch (Exception ex)
                    {
                        Fail(ex);
                        throw;
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None);
                copies.Add(copy);
                if (collection.Parent) parents.Add(copy);
            }
            await Task.WhenAll(copies);
            stop.Token.ThrowIfCancellationRequested(); // an index build failed (its error is the one reported) or the caller cancelled
            return await Task.WhenAll(finishing.Select(f => f!));
        }
        catch (Exception ex)
        {
            Fail(ex);
            try { await Task.WhenAll(copies.Concat(finishing.OfType<Task>()).Concat(preparations)); } catch (Exception) { /* the first error is the one reported */ }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstError ?? ex);
            throw;
        }
    }

    /// <summary>
    /// What a collection's copy starts from: its path (raw or through the models), the source's count, and, unless an
    /// earlier run completed it, its checkpoint stored with the indexes set aside for the load; or the finished result.
    /// </summary>
    private sealed record Prepared(
        MigrationCollection Collection, RawPath? Raw, long SourceCount, Checkpoint Checkpoint, bool Resumed, HashSet<DocumentKey> Skip,
        CollectionCopyResult? AlreadyComplete);

    private async Task<Prepared> PrepareAsync(MigrationCollection collection, Checkpoint? previous, string runId, CancellationToken cancellationToken)
    {
        Timeline.Mark($"copy {collection.Name}: preparing");
        var skip = options.Skip.TryGetValue(collection.Name, out var keys) ? keys : [];
        var raw = options.RawRows && skip.Count == 0 ? await RawPath.FindAsync(source, target, collection, cancellationToken) : null;
        // Where the raw path exists the count is the server's too (no query compilation through the models).
        long sourceCount;
        if (raw is not null)
            sourceCount = await raw.Source.CountAsync(collection.Name, cancellationToken);
        else
            await using (var countScope = source.Services.CreateAsyncScope())
                sourceCount = await collection.CountAsync(countScope.ServiceProvider, cancellationToken);

        if (previous is { State: Checkpoint.Complete })
            return new(collection, raw, sourceCount, previous, Resumed: true, skip, new(collection.Name, sourceCount, previous.Copied, previous.Skipped, previous.Failed,
                TimeSpan.FromSeconds(previous.ElapsedSeconds), Resumed: true, AlreadyComplete: true, [], TimeSpan.FromSeconds(previous.IndexSeconds)));

        var now = DateTime.UtcNow;
        var checkpoint = previous ?? new Checkpoint { RunId = runId, Source = source.Description, StartedAt = now, UpdatedAt = now };
        checkpoint = await DeferIndexesAsync(collection, checkpoint, cancellationToken);
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        Timeline.Mark($"copy {collection.Name}: counted, checkpoint stored, indexes set aside");
        return new(collection, raw, sourceCount, checkpoint, Resumed: previous is not null, skip, AlreadyComplete: null);
    }

    /// <summary>Copies one prepared collection; the task returned builds its deferred indexes and marks it complete.</summary>
    private async Task<Task<CollectionCopyResult>> CopyCollectionAsync(Prepared prepared, CancellationToken cancellationToken)
    {
        var (collection, raw, sourceCount, checkpoint, resumed, skip, complete) = prepared;
        Timeline.Mark($"copy {collection.Name}: start");
        if (complete is not null)
        {
            observer.Started(collection.Name, sourceCount, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed, resumed: true);
            return Task.FromResult(complete);
        }
        observer.Started(collection.Name, sourceCount, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed, resumed);

        // A backfill racing the change relay (the source captures) takes the guarded path: the raw upsert replaces
        // whatever is stored and could overwrite a newer relayed document. Asked again for every collection, just
        // before its copy: a server started in dual during a long run turns capture on, and the collections copied
        // after that must be guarded.
        sourceCaptures.TryRemove(collection.Name, out _);
        if (raw is not null && await SourceCapturesAsync(collection, cancellationToken)) raw = null;
        var failures = new List<FailedDocument>();
        var clock = Stopwatch.StartNew();
        var elapsedBefore = checkpoint.ElapsedSeconds;
        var copiedBefore = checkpoint.Copied;
        if (raw is not null)
            checkpoint = await CopyRawAsync(collection, raw, checkpoint, failures, () => elapsedBefore + clock.Elapsed.TotalSeconds, cancellationToken);
        else
            checkpoint = await CopyModelsAsync(collection, checkpoint, skip, failures, () => elapsedBefore + clock.Elapsed.TotalSeconds, cancellationToken);

        checkpoint = checkpoint with { ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds };
        Timeline.Mark($"copy {collection.Name}: rows copied ({checkpoint.Copied})");
        return FinishAsync(collection, checkpoint, checkpoint.Copied - copiedBefore, sourceCount, resumed, failures, raw is not null, cancellationToken);
    }

    /// <summary>
    /// Builds the indexes set aside for the load, then marks the collection complete. A run killed before that finds
    /// the collection still running with its cursor at the end: it copies nothing more and builds them.
    /// </summary>
    private async Task<CollectionCopyResult> FinishAsync(
        MigrationCollection collection, Checkpoint checkpoint, long copiedThisRun, long sourceCount, bool resumed, List<FailedDocument> failures, bool raw, CancellationToken cancellationToken)
    {
        var indexClock = Stopwatch.StartNew();
        if (checkpoint.DeferredIndexes is { } deferred)
        {
            Timeline.Mark($"copy {collection.Name}: index build start");
            await target.Services.GetRequiredService<IBulkLoadIndexes>().RestoreAsync(deferred, cancellationToken);
            Timeline.Mark($"copy {collection.Name}: index build end");
        }
        checkpoint = checkpoint with
        {
            State = Checkpoint.Complete, DeferredIndexes = null, IndexSeconds = checkpoint.IndexSeconds + indexClock.Elapsed.TotalSeconds, UpdatedAt = DateTime.UtcNow,
        };
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        return new(collection.Name, sourceCount, checkpoint.Copied, checkpoint.Skipped, checkpoint.Failed,
            TimeSpan.FromSeconds(checkpoint.ElapsedSeconds), resumed, AlreadyComplete: false, failures, TimeSpan.FromSeconds(checkpoint.IndexSeconds))
        {
            Raw = raw, CopiedThisRun = copiedThisRun,
        };
    }

    /// <summary>
    /// The same-backend fast path: batch by batch, the key of the batch's last row is read on the source (the next
    /// batch's while this one is written), the rows up to it stream from the source's export straight into the target
    /// (no model is built; the two servers work at the same time), and the checkpoint is stored. While the target holds
    /// nothing beyond the checkpoint (a fresh load) the rows go straight into the table; otherwise (a batch written
    /// before a kill but not checkpointed, or a rerun over a loaded target) they are upserted by key. A batch the
    /// target refuses as a whole goes through the models instead, so each refused document is reported with its id as
    /// on the portable path.
    /// </summary>
    private async Task<Checkpoint> CopyRawAsync(
        MigrationCollection collection, RawPath raw, Checkpoint checkpoint, List<FailedDocument> failures, Func<double> elapsed, CancellationToken cancellationToken)
    {
        var after = checkpoint.Cursor is { } cursor ? collection.KeyValues(cursor) : null;
        var boundary = raw.Source.BoundaryAsync(collection.Name, after, options.RawBatchSize, cancellationToken);
        while (await boundary is { } upTo)
        {
            boundary = raw.Source.BoundaryAsync(collection.Name, upTo, options.RawBatchSize, cancellationToken);
            long written, failed = 0;
            try
            {
                var from = after;
                Task Export(Stream stream, CancellationToken token) => raw.Source.ExportAsync(collection.Name, from, upTo, stream, token);
                written = await raw.Target.AppendAsync(collection.Name, from, upTo, Export, cancellationToken)
                    ?? await raw.Target.UpsertAsync(collection.Name, Export, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                var documents = await ReadRangeAsync(collection, after is null ? null : collection.CursorOf(after), collection.CursorOf(upTo), cancellationToken);
                (written, failed) = await WriteAsync(collection, documents, failures, cancellationToken);
            }
            checkpoint = checkpoint with
            {
                Cursor = collection.CursorOf(upTo),
                Copied = checkpoint.Copied + written,
                Failed = checkpoint.Failed + failed,
                ElapsedSeconds = elapsed(),
                UpdatedAt = DateTime.UtcNow,
            };
            await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
            observer.Progress(collection.Name, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed);
            after = upTo;
        }
        return checkpoint;
    }

    /// <summary>The source's documents after <paramref name="after"/> up to <paramref name="upTo"/> (one batch).</summary>
    private async Task<List<object>> ReadRangeAsync(MigrationCollection collection, string? after, string upTo, CancellationToken cancellationToken)
    {
        await using var scope = source.Services.CreateAsyncScope();
        var documents = new List<object>();
        await foreach (var exported in collection.ExportAsync(scope.ServiceProvider, after, cancellationToken))
        {
            if (collection.CompareToCursor(exported.Document, upTo) > 0) break;
            documents.Add(exported.Document);
        }
        return documents;
    }

    /// <summary>The portable path: models read in export order by one task while another upserts the previous batch.</summary>
    private async Task<Checkpoint> CopyModelsAsync(
        MigrationCollection collection, Checkpoint checkpoint, HashSet<DocumentKey> skip, List<FailedDocument> failures, Func<double> elapsed,
        CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(() => ReadAsync(collection, checkpoint.Cursor, skip, channel.Writer, linked.Token), linked.Token);

        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(linked.Token))
            {
                var (written, failed) = await WriteAsync(collection, batch.Documents, failures, linked.Token);
                checkpoint = checkpoint with
                {
                    Cursor = batch.LastCursor,
                    Copied = checkpoint.Copied + written,
                    Failed = checkpoint.Failed + failed,
                    Skipped = checkpoint.Skipped + batch.Skipped,
                    ElapsedSeconds = elapsed(),
                    UpdatedAt = DateTime.UtcNow,
                };
                await checkpoints.PutAsync(collection.Name, checkpoint, linked.Token);
                observer.Progress(collection.Name, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed);
            }
            await reader;
        }
        catch
        {
            await linked.CancelAsync();
            try { await reader; } catch (Exception) { /* the first error is the one reported */ }
            throw;
        }
        return checkpoint;
    }

    /// <summary>
    /// Sets the target's secondary indexes aside when the collection is empty there (recorded in the checkpoint
    /// before anything is dropped). Indexes an earlier run set aside and never restored — it was killed, and this run
    /// may even be a <c>--restart</c> — are carried over, so the end of this copy builds them.
    /// </summary>
    private async Task<Checkpoint> DeferIndexesAsync(MigrationCollection collection, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint.DeferredIndexes is null && await checkpoints.GetAsync(collection.Name, cancellationToken) is { DeferredIndexes: { } earlier })
            checkpoint = checkpoint with { DeferredIndexes = earlier };
        if (checkpoint.DeferredIndexes is not null || !options.DeferIndexes) return checkpoint;
        if (target.Services.GetService<IBulkLoadIndexes>() is not { } indexes) return checkpoint;
        if (await indexes.DescribeDeferrableAsync(collection.Name, cancellationToken) is not { } deferred) return checkpoint;
        checkpoint = checkpoint with { DeferredIndexes = deferred };
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        await indexes.DropAsync(deferred, cancellationToken);
        return checkpoint;
    }

    private sealed record Batch(List<object> Documents, string LastCursor, long Skipped);

    private async Task ReadAsync(
        MigrationCollection collection, string? cursor, HashSet<DocumentKey> skip, ChannelWriter<Batch> writer, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = source.Services.CreateAsyncScope();
            var documents = new List<object>(options.BatchSize);
            long skipped = 0;
            string? last = null;
            await foreach (var exported in collection.ExportAsync(scope.ServiceProvider, cursor, cancellationToken))
            {
                last = exported.Cursor;
                if (skip.Contains(exported.Key)) skipped++;
                else documents.Add(exported.Document);
                if (documents.Count + skipped >= options.BatchSize)
                {
                    await writer.WriteAsync(new Batch(documents, last, skipped), cancellationToken);
                    documents = new List<object>(options.BatchSize);
                    skipped = 0;
                }
            }
            if (last is not null && documents.Count + skipped > 0) await writer.WriteAsync(new Batch(documents, last, skipped), cancellationToken);
            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(ex);
            throw;
        }
    }

    // Per collection: asked at its start and kept for its batches (collections are copied concurrently).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> sourceCaptures = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the source captures changes (a server runs it as the primary of <c>dual</c> or <c>mongo_primary</c>):
    /// then this copy is a backfill racing the change relay, and it must never overwrite a newer relayed document,
    /// so it writes with <see cref="ChangeWriteMode.KeepNewer"/> (<see cref="VersionGuard"/>).
    /// </summary>
    private async Task<bool> SourceCapturesAsync(MigrationCollection collection, CancellationToken cancellationToken)
    {
        if (sourceCaptures.TryGetValue(collection.Name, out var known)) return known;
        bool captures;
        try
        {
            captures = source.Services.GetService<IChangeOutbox>() is { } outbox && await outbox.IsCaptureOnAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException e) when (e.SqlState == "42P01") // undefined_table
        {
            captures = false; // a schema without the capture tables captures nothing; any other error stops the copy
        }
        sourceCaptures[collection.Name] = captures;
        return captures;
    }

    /// <summary>
    /// Upserts the batch (in a scope of its own, so a failed write leaves nothing behind for the next one); when the
    /// batch fails as a whole, each document alone, so that one document the target refuses is reported with its id
    /// and error and the others are still copied. Never drops one silently.
    /// </summary>
    private async Task<(int Written, int Failed)> WriteAsync(
        MigrationCollection collection, List<object> documents, List<FailedDocument> failures, CancellationToken cancellationToken)
    {
        if (documents.Count == 0) return (0, 0);
        try
        {
            await using var scope = target.Services.CreateAsyncScope();
            if (await SourceCapturesAsync(collection, cancellationToken) && scope.ServiceProvider.GetService<IChangeTransferPort>() is { } guarded)
            {
                await guarded.WriteAsync(collection.Name, documents, ChangeWriteMode.KeepNewer, cancellationToken);
                // After the write, never before: the relay then re-copies each key's current state, so a copy that
                // raced a newer change (equal version) or re-inserted a document deleted meanwhile is corrected.
                var keys = documents.Select(d => collection.KeyOf(d)).Select(k => new ChangeKey(collection.Name, k.TenantId, k.Id)).ToList();
                await source.Services.GetRequiredService<IChangeOutbox>().RecordAsync(keys, cancellationToken);
            }
            else
                await collection.UpsertAsync(scope.ServiceProvider, documents, cancellationToken);
            return (documents.Count, 0);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && documents.Count > 1)
        {
            int written = 0, failed = 0;
            foreach (var document in documents)
            {
                var (w, f) = await WriteAsync(collection, [document], failures, cancellationToken);
                written += w;
                failed += f;
            }
            return (written, failed);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = new FailedDocument(collection.KeyOf(documents[0]), OneLine(ex));
            if (failures.Count < options.KeepFailures) failures.Add(failure);
            observer.Failed(collection.Name, failure);
            return (0, 1);
        }
    }

    private static string OneLine(Exception ex)
    {
        var innermost = ex;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        return innermost.Message.ReplaceLineEndings(" ");
    }
}
