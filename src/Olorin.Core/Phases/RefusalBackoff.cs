namespace Olorin.Core.Phases;

/// <summary>
/// How long the relay leaves a key the other store refused before it tries the key again: <see cref="First"/> after
/// the first refusal, doubling with each further one, never more than <see cref="Max"/>. Only that key waits (the
/// relay claims the other keys as usual); a later write of the key waits too, since it would most likely be refused for
/// the same reason. Both outboxes follow this one rule (<c>OUTBOX_RELAY_REFUSED_BACKOFF_MS</c>,
/// <c>OUTBOX_RELAY_REFUSED_MAX_BACKOFF_MS</c>); drains (start-up, tools) use <see cref="None"/>, since they must end
/// with an empty outbox.
/// </summary>
public sealed record RefusalBackoff(TimeSpan First, TimeSpan Max)
{
    /// <summary>Retry at once (the next batch), as before back-off existed.</summary>
    public static readonly RefusalBackoff None = new(TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The defaults: 1 s, doubling, at most 60 s (with <see cref="RelayDefaults.MaxAttempts"/> 5: dead letter after 1 + 2 + 4 + 8 = 15 s of tries).</summary>
    public static readonly RefusalBackoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>The wait after the key's <paramref name="attempts"/>-th refusal (1 = the first).</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        if (attempts < 1 || First <= TimeSpan.Zero) return TimeSpan.Zero;
        var doublings = Math.Min(attempts - 1, 40);
        var ms = Math.Min(First.TotalMilliseconds * Math.Pow(2, doublings), Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }
}
