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

/// <summary>
/// Copies collections from one endpoint to another through the ports: the source is read in export (key) order by
/// one task while another writes the previous batch (bounded channel: at most two batches in memory), each batch is
/// upserted by key and then the collection's checkpoint (cursor of the batch's last document, counters) is stored
/// on the target. A run killed at any point resumes after the last stored batch; a batch written but not
/// checkpointed is written again, which upserts change nothing by. Rows held in an uncommitted load until the
/// collections they refer to are complete (<see cref="CopySchedule"/>) are checkpointed once committed: a run killed
/// before that rolls them back, and its resume copies them again.
/// </summary>
public sealed partial class CopyEngine(MigrationEndpoint source, MigrationEndpoint target, CopyOptions options, ICopyObserver observer)
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
        => ResumedFrom(collections, await checkpoints.ListAsync(cancellationToken));

    private IReadOnlyDictionary<string, Checkpoint>? ResumedFrom(IReadOnlyList<MigrationCollection> collections, IReadOnlyDictionary<string, Checkpoint> stored)
        => !options.Restart && collections.Any(c => stored.TryGetValue(c.Name, out var checkpoint) && checkpoint.IsRunning) ? stored : null;

    public async Task<IReadOnlyList<CollectionCopyResult>> CopyAsync(IReadOnlyList<MigrationCollection> collections, CancellationToken cancellationToken)
    {
        // Read once (one round trip), also by a fresh run or a --restart: indexes an earlier run set aside and never
        // restored are carried over from them (DeferIndexesAsync).
        var stored = await checkpoints.ListAsync(cancellationToken);
        var saved = ResumedFrom(collections, stored);
        var runId = Guid.NewGuid().ToString("N");
        // Up to Parallelism collections are copied at once, each over its own connections (on a 2-core machine the
        // tool, the source and the target share the CPU, and one collection's round trips leave it idle), in the
        // schedule's start order. A collection's documents become visible on the target only once the collections it
        // refers to are complete there: on the raw path it may start before them, its rows held in one uncommitted
        // load that is committed when they are (so the anomalies, whose vector graph is the longest build, need not
        // wait for the investigations' copy); otherwise it starts when they are complete. A collection's deferred
        // indexes are built while the next collections are copied (the build is the target server's work); its
        // checkpoint says complete only once they exist. The first error stops the others and is the one reported.
        var lanes = Math.Max(1, options.Parallelism);
        var schedule = new CopySchedule(collections, holding: CanHold);
        var preparations = new Task<Prepared>?[collections.Count];
        var finishing = new Task<CollectionCopyResult>?[collections.Count];
        var visible = collections.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        // What the copies tell the schedule: a collection's documents are all visible, or its early start is undone.
        var events = Channel.CreateUnbounded<(int Index, bool Requeued)>();
        var copies = new List<Task>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(lanes);
        Exception? firstError = null;
        void Fail(Exception ex)
        {
            if (Interlocked.CompareExchange(ref firstError, ex, null) is null) stop.Cancel();
        }

        // A collection's preparation (path, count, indexes set aside, first checkpoint: a few round trips) runs ahead
        // of its copy: the next Parallelism collections in start order not started yet are prepared while earlier ones
        // copy, so a copy does not wait for its preparation when its turn comes, while no more tables than the copies
        // about to run are without their set-aside indexes (a run that fails or is stopped leaves those few to the
        // resume) and a table's emptiness is judged just before its turn. The question whether the source captures
        // changes still waits for that turn.
        Task<Prepared> Prepare(int index)
        {
            if (preparations[index] is { } prepared) return prepared;
            var collection = collections[index];
            var preparation = Task.Run(
                () => PrepareAsync(collection, saved?.GetValueOrDefault(collection.Name), stored.GetValueOrDefault(collection.Name)?.DeferredIndexes, runId, stop.Token),
                CancellationToken.None);
            _ = preparation.ContinueWith(t => Fail(t.Exception!.InnerException!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return preparations[index] = preparation;
        }

        void Start(int index)
        {
            schedule.Start(index);
            // Null when the references are complete (or none are copied): then nothing is held.
            var references = schedule.ReferencesComplete(index) ? null : Task.WhenAll(schedule.References(index).Select(r => visible[r].Task));
            var preparation = Prepare(index);
            copies.Add(Task.Run(async () =>
            {
                try
                {
                    if (await CopyCollectionAsync(await preparation, references, stop.Token) is not { } copied)
                    {
                        events.Writer.TryWrite((index, true));
                        return;
                    }
                    finishing[index] = copied.Finished;
                    _ = copied.Visible.ContinueWith(_ =>
                    {
                        visible[index].TrySetResult();
                        events.Writer.TryWrite((index, false));
                    }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                    _ = copied.Finished.ContinueWith(t => Fail(t.Exception!.InnerException!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
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
            }, CancellationToken.None));
        }

        void Apply((int Index, bool Requeued) change)
        {
            if (change.Requeued) schedule.Requeue(change.Index);
            else schedule.Complete(change.Index);
        }

        try
        {
            while (true)
            {
                while (events.Reader.TryRead(out var change)) Apply(change);
                if (schedule.AllComplete) break;
                if (schedule.HasUnstarted)
                {
                    foreach (var index in schedule.Ahead(lanes)) _ = Prepare(index);
                    await slots.WaitAsync(stop.Token);
                    while (events.Reader.TryRead(out var change)) Apply(change);
                    if (schedule.Next() is var next and >= 0)
                    {
                        Start(next);
                        continue;
                    }
                    slots.Release();
                }
                Apply(await events.Reader.ReadAsync(stop.Token));
            }
            await Task.WhenAll(copies);
            stop.Token.ThrowIfCancellationRequested(); // an index build failed (its error is the one reported) or the caller cancelled
            return await Task.WhenAll(finishing.Select(f => f!));
        }
        catch (Exception ex)
        {
            Fail(ex);
            try { await Task.WhenAll(copies.Concat(finishing.OfType<Task>()).Concat(preparations.OfType<Task>())); } catch (Exception) { /* the first error is the one reported */ }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstError ?? ex);
            throw;
        }
    }

    /// <summary>Whether rows can be held invisible until their references are complete: the raw path at both ends.</summary>
    private bool CanHold => options.RawRows && source.Services.GetService<IRawRowTransfer>() is not null && target.Services.GetService<IRawRowTransfer>() is not null;

    /// <summary>
    /// What a collection's copy starts from: its path (raw or through the models), the source's count, and, unless an
    /// earlier run completed it, its checkpoint stored with the indexes set aside for the load; or the finished result.
    /// </summary>
    private sealed record Prepared(
        MigrationCollection Collection, RawPath? Raw, long SourceCount, Checkpoint Checkpoint, bool Resumed, HashSet<DocumentKey> Skip,
        CollectionCopyResult? AlreadyComplete);

    /// <param name="previous">The checkpoint this run resumes from, if it resumes.</param>
    /// <param name="setAside">Indexes the collection's stored checkpoint says an earlier run set aside (resumed or not).</param>
    private async Task<Prepared> PrepareAsync(MigrationCollection collection, Checkpoint? previous, string? setAside, string runId, CancellationToken cancellationToken)
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
        // Indexes an earlier run set aside and never restored (it was killed, and this run may even be a --restart)
        // are carried over, so the end of this copy builds them. The checkpoint is stored before anything is copied
        // (by DeferIndexesAsync before it drops indexes; otherwise here).
        if (checkpoint.DeferredIndexes is null && setAside is not null) checkpoint = checkpoint with { DeferredIndexes = setAside };
        if (await DeferIndexesAsync(collection, checkpoint, cancellationToken) is { } deferring) checkpoint = deferring;
        else await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        Timeline.Mark($"copy {collection.Name}: counted, checkpoint stored, indexes set aside");
        return new(collection, raw, sourceCount, checkpoint, Resumed: previous is not null, skip, AlreadyComplete: null);
    }

    /// <summary>
    /// A collection's copy as the schedule sees it: <see cref="Visible"/> ends once all its documents are committed on
    /// the target (the collections that refer to it may follow), <see cref="Finished"/> once its deferred indexes are
    /// built and its checkpoint says complete.
    /// </summary>
    private sealed record CollectionCopy(Task Visible, Task<CollectionCopyResult> Finished);

    /// <summary>
    /// Copies one prepared collection. With <paramref name="references"/> (the collections it refers to are not
    /// complete yet) its rows are held in one load committed once they are; null when they cannot be held (not the raw
    /// path, or the held load failed: nothing of it is left), and the schedule starts it again once they are complete.
    /// </summary>
    private async Task<CollectionCopy?> CopyCollectionAsync(Prepared prepared, Task? references, CancellationToken cancellationToken)
    {
        var (collection, raw, sourceCount, checkpoint, resumed, skip, complete) = prepared;
        if (complete is not null)
        {
            Timeline.Mark($"copy {collection.Name}: complete before this run");
            observer.Started(collection.Name, sourceCount, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed, resumed: true);
            return new(Task.CompletedTask, Task.FromResult(complete));
        }

        if (references is not null && raw is null) return null;
        Timeline.Mark($"copy {collection.Name}: start{(references is null ? "" : ", held until the collections it refers to are complete")}");
        observer.Started(collection.Name, sourceCount, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed, resumed);

        // A backfill racing the change relay (the source captures) takes the guarded path: the raw upsert replaces
        // whatever is stored and could overwrite a newer relayed document. Asked again for every collection, just
        // before its copy: a server started in dual during a long run turns capture on, and the collections copied
        // after that must be guarded (and wait for their references: only raw rows are held).
        sourceCaptures.TryRemove(collection.Name, out _);
        if (raw is not null && await SourceCapturesAsync(collection, cancellationToken)) raw = null;
        if (references is not null && raw is null) return null;

        var failures = new List<FailedDocument>();
        var clock = Stopwatch.StartNew();
        var elapsedBefore = checkpoint.ElapsedSeconds;
        var copiedBefore = checkpoint.Copied;
        IRawRowLoad? held = null;
        if (raw is not null)
        {
            if (await CopyRawAsync(collection, raw, checkpoint, failures, () => elapsedBefore + clock.Elapsed.TotalSeconds, references, cancellationToken) is not { } copied)
            {
                Timeline.Mark($"copy {collection.Name}: held load failed, rolled back; copied again once the collections it refers to are complete");
                return null;
            }
            (checkpoint, held) = copied;
        }
        else
            checkpoint = await CopyModelsAsync(collection, checkpoint, skip, failures, () => elapsedBefore + clock.Elapsed.TotalSeconds, cancellationToken);

        checkpoint = checkpoint with { ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds };
        Timeline.Mark($"copy {collection.Name}: rows copied ({checkpoint.Copied}){(held is null ? "" : ", held")}");
        var copiedThisRun = checkpoint.Copied - copiedBefore;
        if (held is null)
            return new(Task.CompletedTask, FinishAsync(collection, checkpoint, copiedThisRun, sourceCount, resumed, failures, raw is not null, cancellationToken));
        var visible = CommitHeldAsync(collection, held, checkpoint, references!, cancellationToken);
        return new(visible, FinishAfterAsync(visible, collection, checkpoint, copiedThisRun, sourceCount, resumed, failures, cancellationToken));
    }

    /// <summary>
    /// Waits for the collections a held load's rows refer to, then commits the load (all its rows become visible at
    /// once) and stores the checkpoint. Stopped before the commit, the load is rolled back: its checkpoint never said
    /// more than what was committed, so the resume copies those rows again.
    /// </summary>
    private async Task CommitHeldAsync(MigrationCollection collection, IRawRowLoad held, Checkpoint checkpoint, Task references, CancellationToken cancellationToken)
    {
        await using (held)
        {
            await references.WaitAsync(cancellationToken);
            await held.CommitAsync(cancellationToken);
        }
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        Timeline.Mark($"copy {collection.Name}: held rows committed (the collections it refers to are complete)");
    }

    private async Task<CollectionCopyResult> FinishAfterAsync(
        Task visible, MigrationCollection collection, Checkpoint checkpoint, long copiedThisRun, long sourceCount, bool resumed, List<FailedDocument> failures, CancellationToken cancellationToken)
    {
        await visible;
        return await FinishAsync(collection, checkpoint, copiedThisRun, sourceCount, resumed, failures, raw: true, cancellationToken);
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
    /// Sets the target's secondary indexes aside when none are yet and the collection is empty there (recorded in the
    /// checkpoint, which is stored, before anything is dropped); returns the checkpoint stored, or null when nothing
    /// is set aside now (then nothing was stored).
    /// </summary>
    private async Task<Checkpoint?> DeferIndexesAsync(MigrationCollection collection, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint.DeferredIndexes is not null || !options.DeferIndexes) return null;
        if (target.Services.GetService<IBulkLoadIndexes>() is not { } indexes) return null;
        if (await indexes.DescribeDeferrableAsync(collection.Name, cancellationToken) is not { } deferred) return null;
        checkpoint = checkpoint with { DeferredIndexes = deferred };
        await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
        await indexes.DropAsync(deferred, cancellationToken);
        return checkpoint;
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
}
