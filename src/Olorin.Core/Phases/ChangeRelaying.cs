using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;

namespace Olorin.Core.Phases;

/// <summary>
/// One relay step, the same for the server's relay and its start-up drain: claim a batch of the primary's outbox and
/// apply the current state of its keys to the target store (version-guarded upserts, deletes of keys the primary no
/// longer holds) through the target's <see cref="IChangeTransferPort"/>.
/// </summary>
public static class ChangeRelaying
{
    public static Task<RelayBatch> RelayOnceAsync(IChangeOutbox source, IServiceProvider target, int batchSize, CancellationToken cancellationToken)
        => RelayOnceAsync(source, target, batchSize, RelayDefaults.MaxAttempts, cancellationToken);

    /// <summary>One step; a key the target refuses <paramref name="maxAttempts"/> times becomes a dead letter (<see cref="IChangeOutbox.RelayAsync(int, int, Func{ChangeSet, CancellationToken, Task}, CancellationToken)"/>).</summary>
    public static Task<RelayBatch> RelayOnceAsync(IChangeOutbox source, IServiceProvider target, int batchSize, int maxAttempts, CancellationToken cancellationToken)
        => RelayOnceAsync(source, target, batchSize, maxAttempts, RefusalBackoff.None, cancellationToken);

    /// <summary>One step; a refused key waits <paramref name="backoff"/> before its next try, without holding up the others.</summary>
    public static Task<RelayBatch> RelayOnceAsync(IChangeOutbox source, IServiceProvider target, int batchSize, int maxAttempts, RefusalBackoff backoff, CancellationToken cancellationToken)
        => source.RelayAsync(batchSize, maxAttempts, backoff, async (changes, ct) =>
        {
            await using var scope = target.CreateAsyncScope();
            var port = scope.ServiceProvider.GetRequiredService<IChangeTransferPort>();
            // Deletes first: a document deleted on the primary may still hold a unique value (a template's name) that a
            // document written in the same batch now uses.
            var deleted = changes.Deleted;
            if (deleted.Count > 0)
                await port.DeleteAsync(changes.Collection, deleted, ct);
            if (changes.Current.Count > 0)
                await port.WriteAsync(changes.Collection, changes.Current.Values.ToList(), ChangeWriteMode.Relay, ct);
        }, cancellationToken);

    /// <summary>Relays until the outbox is empty; returns the documents copied. Throws what a step throws.</summary>
    public static Task<long> DrainAsync(IChangeOutbox source, IServiceProvider target, int batchSize, CancellationToken cancellationToken)
        => DrainAsync(source, target, batchSize, RelayDefaults.MaxAttempts, cancellationToken);

    /// <summary>Relays until the outbox is empty (refused keys end as dead letters); returns the documents copied.</summary>
    public static async Task<long> DrainAsync(IChangeOutbox source, IServiceProvider target, int batchSize, int maxAttempts, CancellationToken cancellationToken)
    {
        long documents = 0;
        while (true)
        {
            var batch = await RelayOnceAsync(source, target, batchSize, maxAttempts, cancellationToken);
            if (batch.Entries == 0) return documents;
            documents += batch.Documents;
        }
    }
}
