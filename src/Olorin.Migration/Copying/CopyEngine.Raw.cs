using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Migration.Checkpoints;
using Olorin.Migration.Collections;
using Olorin.Migration.Diagnostics;
using Olorin.Migration.Raw;

namespace Olorin.Migration.Copying;

public sealed partial class CopyEngine
{
    /// <summary>
    /// The same-backend fast path: batch by batch, the key of the batch's last row is read on the source (the next
    /// batch's while this one is written), the rows up to it stream from the source's export straight into the target
    /// (no model is built; the two servers work at the same time), and the checkpoint is stored. While the target holds
    /// nothing beyond the checkpoint (a fresh load) the rows go straight into the table; otherwise (a batch written
    /// before a kill but not checkpointed, or a rerun over a loaded target) they are upserted by key. A batch the
    /// target refuses as a whole goes through the models instead, so each refused document is reported with its id as
    /// on the portable path.
    /// <para>
    /// With <paramref name="references"/> not complete, the batches go into one held load instead, without
    /// checkpoints (nothing of it is committed), until they are: then the load is committed, the checkpoint stored and
    /// the next batches go one load each as above. A load still held after the last batch is returned for the caller
    /// to commit. A held batch that fails ends the load and returns null: nothing it held was committed, and the
    /// collection is copied again, from the same checkpoint, once its references are complete (where a refused batch
    /// goes through the models as above).
    /// </para>
    /// </summary>
    private async Task<(Checkpoint Checkpoint, IRawRowLoad? Held)?> CopyRawAsync(
        MigrationCollection collection, RawPath raw, Checkpoint checkpoint, List<FailedDocument> failures, Func<double> elapsed, Task? references,
        CancellationToken cancellationToken)
    {
        var after = checkpoint.Cursor is { } cursor ? collection.KeyValues(cursor) : null;
        var boundary = raw.Source.BoundaryAsync(collection.Name, after, options.RawBatchSize, cancellationToken);
        var held = references is null ? null : await raw.Target.BeginLoadAsync(collection.Name, cancellationToken);
        try
        {
            while (await boundary is { } upTo)
            {
                boundary = raw.Source.BoundaryAsync(collection.Name, upTo, options.RawBatchSize, cancellationToken);
                var from = after;
                Task Export(Stream stream, CancellationToken token) => raw.Source.ExportAsync(collection.Name, from, upTo, stream, token);
                long written, failed = 0;
                if (held is not null)
                {
                    try
                    {
                        written = await held.AppendAsync(from, upTo, Export, cancellationToken) ?? await held.UpsertAsync(Export, cancellationToken);
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        _ = boundary.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                        return null;
                    }
                }
                else
                {
                    try
                    {
                        await using var load = await raw.Target.BeginLoadAsync(collection.Name, cancellationToken);
                        written = await load.AppendAsync(from, upTo, Export, cancellationToken) ?? await load.UpsertAsync(Export, cancellationToken);
                        await load.CommitAsync(cancellationToken);
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        var documents = await ReadRangeAsync(collection, from is null ? null : collection.CursorOf(from), collection.CursorOf(upTo), cancellationToken);
                        (written, failed) = await WriteAsync(collection, documents, failures, cancellationToken);
                    }
                }
                checkpoint = checkpoint with
                {
                    Cursor = collection.CursorOf(upTo),
                    Copied = checkpoint.Copied + written,
                    Failed = checkpoint.Failed + failed,
                    ElapsedSeconds = elapsed(),
                    UpdatedAt = DateTime.UtcNow,
                };
                if (held is not null && references!.IsCompleted)
                {
                    await held.CommitAsync(cancellationToken);
                    await held.DisposeAsync();
                    held = null;
                    Timeline.Mark($"copy {collection.Name}: held rows committed (the collections it refers to are complete); batch by batch from here");
                }
                if (held is null) await checkpoints.PutAsync(collection.Name, checkpoint, cancellationToken);
                observer.Progress(collection.Name, checkpoint.Copied + checkpoint.Skipped + checkpoint.Failed);
                after = upTo;
            }
            var stillHeld = held;
            held = null;
            return (checkpoint, stillHeld);
        }
        finally
        {
            if (held is not null) await held.DisposeAsync();
        }
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
}
