using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Migration.Checkpoints;
using Olorin.Migration.Collections;

namespace Olorin.Migration.Copying;

public sealed partial class CopyEngine
{
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
