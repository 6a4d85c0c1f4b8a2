using Olorin.Server.Configuration;

namespace Olorin.Server.Persistence;

/// <summary>
/// Records the <c>last_accessed</c> of investigation reads off the request path (issue #12, "reads are reads"): a GET
/// adds its access here, and one write per <see cref="FlushPeriod"/> stores every buffered access with the same
/// condition as before (only when the stored one is unset or older than LAST_ACCESSED_WRITE_INTERVAL_SECONDS). So a
/// GET never waits for a write nor commits, and a thousand first reads a second cost one statement, not a thousand.
/// What it trades: an access is visible to other readers up to a flush period later, and one buffered when the
/// process dies without stopping is lost (last_accessed is bookkeeping, not data: it moves neither version nor ETag).
/// The period runs on the host's <see cref="TimeProvider"/>, so a test on a fake clock decides when the loop flushes.
/// </summary>
public sealed class LastAccessedBuffer(
    IServiceScopeFactory scopes, IOptions<InvestigationAccessOptions> options, TimeProvider clock, ILogger<LastAccessedBuffer> logger) : BackgroundService
{
    /// <summary>How long an access may wait in memory before it is written.</summary>
    public static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Beyond this many distinct pending accesses the next flush starts at once.</summary>
    private const int EarlyFlushAt = 20_000;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushNow = new(0);
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private Dictionary<(string Tenant, string Id), DateTime> _pending = [];

    private TimeSpan Interval => TimeSpan.FromSeconds(options.Value.WriteIntervalSeconds);

    /// <summary>
    /// Buffers a read at <paramref name="at"/> and returns the last_accessed the response shows: an access already
    /// waiting within the interval stays (so reads within one flush period answer the same value, as they would once
    /// it is stored), otherwise <paramref name="at"/>.
    /// </summary>
    public DateTime Record(string tenantId, string investigationId, DateTime at)
    {
        int count;
        DateTime shown;
        lock (_gate)
        {
            var key = (tenantId, investigationId);
            if (_pending.TryGetValue(key, out var waiting) && waiting >= at - Interval) shown = waiting;
            else _pending[key] = shown = at;
            count = _pending.Count;
        }
        if (count == EarlyFlushAt) _flushNow.Release();
        return shown;
    }

    /// <summary>Writes every buffered access now (the loop does this each period; tests and shutdown call it).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<(string Tenant, string Id), DateTime> batch;
            lock (_gate)
            {
                if (_pending.Count == 0) return;
                batch = _pending;
                _pending = new Dictionary<(string Tenant, string Id), DateTime>(batch.Count);
            }
            // In key order, so two instances flushing overlapping investigations lock their rows in the same order.
            var accesses = batch
                .OrderBy(p => p.Key.Tenant, StringComparer.Ordinal).ThenBy(p => p.Key.Id, StringComparer.Ordinal)
                .Select(p => new InvestigationAccess(p.Key.Tenant, p.Key.Id, p.Value)).ToList();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IInvestigationRepository>()
                    .TouchLastAccessedAsync(accesses, Interval, cancellationToken);
            }
            catch (Exception e)
            {
                // Kept for the next flush (a newer access of the same investigation wins), so a database that is
                // briefly away loses nothing, and a flush cut short by shutdown leaves its batch to the final flush
                // in StopAsync; logged as a warning because no request failed.
                lock (_gate)
                    foreach (var (key, at) in batch)
                        if (!_pending.TryGetValue(key, out var newer) || newer < at) _pending[key] = at;
                if (e is OperationCanceledException) throw;
                logger.LogWarning(e, "Writing {Count} buffered last_accessed values failed; they are retried with the next flush", batch.Count);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForNextFlushAsync(stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>A flush period on the host's clock, or less when <see cref="Record"/> found the buffer full.</summary>
    private async Task WaitForNextFlushAsync(CancellationToken stoppingToken)
    {
        using var period = new CancellationTokenSource(FlushPeriod, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, period.Token);
        // The period ending is the usual way out of this wait, not an error: no exception is thrown for it.
        await _flushNow.WaitAsync(either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stoppingToken.ThrowIfCancellationRequested();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What the loop had not written yet, within the host's shutdown timeout.
        try { await FlushAsync(cancellationToken); }
        catch (OperationCanceledException) { logger.LogWarning("Shutdown cut the last flush of buffered last_accessed values short"); }
    }
}
