namespace Olorin.Core.Phases;

/// <summary>
/// How long the relay leaves a key the other store refused before it tries the key again: <see cref="First"/> after
/// the first refusal, doubling with each further one, never more than <see cref="Max"/>. Only that key waits (the
/// relay claims the other keys as usual); a later write of the key waits too, since it would most likely be refused for
/// the same reason. Both outboxes follow this one rule (<c>OUTBOX_RELAY_REFUSED_BACKOFF_MS</c>,
/// <c>OUTBOX_RELAY_REFUSED_MAX_BACKOFF_MS</c>); drains (start-up, tools) use <see cref="None"/>, since they must end
/// with an empty outbox.
/// <para>
/// One clock and one reference instant for both (<see cref="RetryAt"/>, <see cref="IsWaiting"/>): the wait starts when
/// the relay settles its batch, <b>after</b> the apply — a batch that took seconds to copy does not eat into it — and
/// both that instant and the claim's "now" are read from the relay's <see cref="TimeProvider"/>, not the database's
/// clock (PostgreSQL's <c>now()</c> would be the relay transaction's start, before the apply). The adapters compute
/// the same delay server-side (the PostgreSQL claim from <c>last_failed_at</c> and <c>attempts</c>, the MongoDB refusal
/// into <c>lease_until</c>); their tests hold them to <see cref="RetryAt"/>.
/// </para>
/// </summary>
public sealed record RefusalBackoff(TimeSpan First, TimeSpan Max)
{
    /// <summary>Retry at once (the next batch), as before back-off existed.</summary>
    public static readonly RefusalBackoff None = new(TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The defaults: 1 s, doubling, at most 60 s (with <see cref="RelayDefaults.MaxAttempts"/> 5: dead letter after 1 + 2 + 4 + 8 = 15 s of tries).</summary>
    public static readonly RefusalBackoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>
    /// When a key refused for the <paramref name="attempts"/>-th time may be claimed again: <see cref="DelayAfter"/>
    /// after <paramref name="refusedAt"/>, the relay clock's reading when the batch that refused it settled.
    /// </summary>
    public DateTimeOffset RetryAt(DateTimeOffset refusedAt, int attempts) => refusedAt + DelayAfter(attempts);

    /// <summary>Whether a claim at <paramref name="now"/> (the same clock) leaves the key alone: until <see cref="RetryAt"/>, exclusive.</summary>
    public bool IsWaiting(DateTimeOffset refusedAt, int attempts, DateTimeOffset now) => now < RetryAt(refusedAt, attempts);

    /// <summary>
    /// Whether a refused key waits at all: without a <see cref="First"/> delay (<see cref="None"/>, a drain) no key does,
    /// and a claim ignores refusals altogether, whatever clock stamped them.
    /// </summary>
    public bool Waits => First > TimeSpan.Zero;

    /// <summary>The wait after the key's <paramref name="attempts"/>-th refusal (1 = the first).</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        if (attempts < 1 || !Waits) return TimeSpan.Zero;
        var doublings = Math.Min(attempts - 1, 40);
        var ms = Math.Min(First.TotalMilliseconds * Math.Pow(2, doublings), Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }
}
