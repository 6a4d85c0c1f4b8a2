namespace Olorin.Server.Phases;

/// <summary>What the change relay has done since start-up, for the <c>outbox</c> gate section.</summary>
public sealed class RelayCounters(TimeProvider clock)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);
    private readonly Lock gate = new();
    private readonly Queue<(DateTimeOffset At, int Documents)> recent = new();
    private long applied, entries, failed, retried, refused, deadLettered;
    private string? lastError;
    private DateTimeOffset? lastAppliedAt, lastFailedAt;
    private bool failing;

    public sealed record Snapshot(
        long Applied, long EntriesRemoved, long Failed, long Retried, double AppliedPerSecond,
        DateTimeOffset? LastAppliedAt, DateTimeOffset? LastFailedAt, bool Failing, string? LastError, long Refused = 0, long DeadLettered = 0);

    public void Succeeded(int documents, int removedEntries)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (failing) retried++;
            failing = false;
            lastError = null;
            if (removedEntries == 0) return;
            applied += documents;
            entries += removedEntries;
            lastAppliedAt = now;
            recent.Enqueue((now, documents));
            Trim(now);
        }
    }

    /// <summary>Documents the other store refused (each an attempt; the batch's other documents were applied), and how many became dead letters.</summary>
    public void Refused(int documents, int deadLetters)
    {
        lock (gate)
        {
            refused += documents;
            deadLettered += deadLetters;
        }
    }

    public void Failed(string error)
    {
        lock (gate)
        {
            if (failing) retried++;
            failed++;
            failing = true;
            lastError = error;
            lastFailedAt = clock.GetUtcNow();
        }
    }

    public Snapshot Read()
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            Trim(now);
            var rate = recent.Sum(r => (double)r.Documents) / RateWindow.TotalSeconds;
            return new Snapshot(applied, entries, failed, retried, Math.Round(rate, 2), lastAppliedAt, lastFailedAt, failing, lastError, refused, deadLettered);
        }
    }

    private void Trim(DateTimeOffset now)
    {
        while (recent.Count > 0 && now - recent.Peek().At > RateWindow) recent.Dequeue();
    }
}
