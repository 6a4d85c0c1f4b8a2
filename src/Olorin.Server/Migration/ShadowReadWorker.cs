using Olorin.Core.Phases;
using Olorin.Migration.Canonical;
using Olorin.Server.Logging;

namespace Olorin.Server.Migration;

/// <summary>
/// Compares each queued shadow read (<see cref="ShadowReadQueue"/>) off the request path: the document is read again
/// from the primary and from the secondary, both are written in the migration tools' canonical form
/// (<see cref="CanonicalForm"/>) and compared byte for byte. The worker reads the primary itself rather than keep the
/// client's copy, which a handler may change after the read. A difference is confirmed only when it outlives two
/// re-reads (a change relayed between the two reads of one comparison is not a divergence) and the document has no
/// pending captured change (<see cref="IPendingChanges"/>); a pending document counts as skipped, never as a mismatch.
/// </summary>
public sealed class ShadowReadWorker(
    IServiceProvider services, ShadowReadQueue queue, ShadowReadStats stats, ILogger<ShadowReadWorker> logger) : BackgroundService
{
    /// <summary>Pauses before the re-reads of a differing document.</summary>
    public static readonly TimeSpan[] Rechecks = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250)];

    private static readonly TimeSpan ComparisonTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<SecondaryStore>() is not { } secondary) return;
        var pending = services.GetService<IPendingChanges>();
        await foreach (var read in queue.Reader.ReadAllAsync(stoppingToken))
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            deadline.CancelAfter(ComparisonTimeout);
            try
            {
                await CompareAsync(read, secondary, pending, deadline.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var error = $"{read.Collection} {read.TenantId}/{read.Id}: {(ex is OperationCanceledException ? $"no answer within {ComparisonTimeout.TotalSeconds:0} s" : SecretRedactor.Redact(ex.Message))}";
                stats.Failed(error);
                logger.LogDebug(ex, "Shadow read failed: {Error}", error);
            }
        }
    }

    private async Task CompareAsync(ShadowRead read, SecondaryStore secondary, IPendingChanges? pending, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> fields = [];
        for (var attempt = 0; attempt <= Rechecks.Length; attempt++)
        {
            if (attempt > 0) await Task.Delay(Rechecks[attempt - 1], cancellationToken);
            var primary = await ShadowReadProxy.UnsampledAsync(() => ReadCanonicalAsync(services, read, cancellationToken));
            var other = await ReadCanonicalAsync(secondary.Services, read, cancellationToken);
            if (primary is null ? other is null : other is not null && primary.AsSpan().SequenceEqual(other))
            {
                stats.Matched(read);
                return;
            }
            if (pending is not null && await pending.IsPendingAsync(read.Collection, read.TenantId, read.Id, cancellationToken))
            {
                stats.SkippedPending();
                return;
            }
            fields = primary is null || other is null
                ? ["(document)"]
                : FieldDiff.Compare(primary, other).Select(f => f.Path.Length == 0 ? "(document)" : f.Path).Distinct().ToList();
        }
        stats.Mismatched(read, fields);
        logger.LogWarning("Shadow read mismatch: {Collection} {TenantId}/{Id} differs between primary and secondary at {Fields}",
            read.Collection, read.TenantId, read.Id, string.Join(", ", fields));
    }

    /// <summary>The document's canonical form as that store serves it, or null when it has none.</summary>
    private static async Task<byte[]?> ReadCanonicalAsync(IServiceProvider store, ShadowRead read, CancellationToken cancellationToken)
    {
        await using var scope = store.CreateAsyncScope();
        var port = scope.ServiceProvider.GetRequiredService(read.Port);
        var task = (Task)read.Method.Invoke(port, [.. read.Arguments, cancellationToken])!;
        await task;
        var document = task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task);
        return document is null ? null : CanonicalForm.Of(document);
    }
}
