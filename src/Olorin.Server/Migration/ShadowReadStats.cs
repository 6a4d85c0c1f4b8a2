using Olorin.Core.Serialization;

namespace Olorin.Server.Migration;

/// <summary>
/// What the shadow reads found since start: counts, the latest mismatching documents, and the mismatches not yet
/// resolved (a document is resolved when a later shadow read of it matches, or when a clean <c>verify-migration</c>
/// finished after the mismatch was seen).
/// </summary>
public sealed class ShadowReadStats(TimeProvider clock)
{
    public const int KeepLatest = 20;
    public const int MaxUnresolved = 10_000;

    private readonly Lock _lock = new();
    private readonly Queue<ShadowMismatch> _latest = new();
    private readonly Dictionary<(string Collection, string TenantId, string Id), ShadowMismatch> _unresolved = [];
    private long _sampled, _dropped, _compared, _matched, _mismatched, _skippedPending, _errors;
    private DateTime? _overflowAt;
    private string? _lastError;

    public void Sampled() => Interlocked.Increment(ref _sampled);
    public void Dropped() => Interlocked.Increment(ref _dropped);
    public void SkippedPending() => Interlocked.Increment(ref _skippedPending);

    public void Failed(string error)
    {
        Interlocked.Increment(ref _errors);
        lock (_lock) _lastError = error;
    }

    public void Matched(ShadowRead read)
    {
        Interlocked.Increment(ref _compared);
        Interlocked.Increment(ref _matched);
        lock (_lock) _unresolved.Remove((read.Collection, read.TenantId, read.Id));
    }

    public void Mismatched(ShadowRead read, IReadOnlyList<string> fields)
    {
        Interlocked.Increment(ref _compared);
        Interlocked.Increment(ref _mismatched);
        var now = UtcTime.Normalize(clock.GetUtcNow().UtcDateTime);
        var mismatch = new ShadowMismatch(read.Collection, read.TenantId, read.Id, fields, now);
        lock (_lock)
        {
            _latest.Enqueue(mismatch);
            while (_latest.Count > KeepLatest) _latest.Dequeue();
            var key = (read.Collection, read.TenantId, read.Id);
            if (_unresolved.Count < MaxUnresolved || _unresolved.ContainsKey(key)) _unresolved[key] = mismatch;
            else _overflowAt = now;
        }
    }

    /// <summary>The report; mismatches seen before <paramref name="cleanVerificationAt"/> are resolved (for good).</summary>
    public ShadowReadReport Snapshot(double sampleRate, bool active, DateTime? cleanVerificationAt)
    {
        lock (_lock)
        {
            if (cleanVerificationAt is { } clean)
            {
                foreach (var (key, _) in _unresolved.Where(u => u.Value.At <= clean).ToList()) _unresolved.Remove(key);
                if (_overflowAt <= clean) _overflowAt = null;
            }
            var newest = _unresolved.Values.OrderByDescending(m => m.At).Take(KeepLatest).ToList();
            return new ShadowReadReport(active, sampleRate,
                Interlocked.Read(ref _sampled), Interlocked.Read(ref _dropped), Interlocked.Read(ref _compared),
                Interlocked.Read(ref _matched), Interlocked.Read(ref _mismatched), Interlocked.Read(ref _skippedPending),
                Interlocked.Read(ref _errors), _unresolved.Count, _overflowAt is not null, _lastError, newest, _latest.Reverse().ToList());
        }
    }
}

/// <param name="Fields">The differing field paths of the canonical forms; <c>(document)</c> when one store has no such document.</param>
public sealed record ShadowMismatch(string Collection, string TenantId, string Id, IReadOnlyList<string> Fields, DateTime At);

/// <summary>The <c>shadow_reads</c> section of <c>/status/migration</c>.</summary>
/// <param name="Active">Whether reads are being sampled: a secondary exists and the sample rate is above 0.</param>
/// <param name="Sampled">By-id reads picked for a shadow comparison.</param>
/// <param name="Dropped">Picked but dropped because the comparison queue was full.</param>
/// <param name="Compared">Compared in canonical form (<c>matched + mismatched</c>).</param>
/// <param name="SkippedPending">Not compared: the document had a captured change not yet applied to the secondary.</param>
/// <param name="Errors">Comparisons that failed (a store could not be read).</param>
/// <param name="Unresolved">Mismatching documents neither matched since nor covered by a later clean verification.</param>
/// <param name="UnresolvedOverflow">More unresolved mismatches than are tracked one by one were seen.</param>
/// <param name="UnresolvedMismatches">The newest unresolved mismatches (at most 20), newest first.</param>
/// <param name="LatestMismatches">The latest mismatches, resolved or not, newest first.</param>
public sealed record ShadowReadReport(
    bool Active, double SampleRate, long Sampled, long Dropped, long Compared, long Matched, long Mismatched, long SkippedPending,
    long Errors, int Unresolved, bool UnresolvedOverflow, [property: Olorin.Core.Phases.DocumentIds] string? LastError, [property: Olorin.Core.Phases.DocumentIds] IReadOnlyList<ShadowMismatch> UnresolvedMismatches,
    [property: Olorin.Core.Phases.DocumentIds] IReadOnlyList<ShadowMismatch> LatestMismatches);
