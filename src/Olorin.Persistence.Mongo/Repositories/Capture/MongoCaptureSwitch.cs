namespace Olorin.Persistence.Mongo.Repositories.Capture;

/// <summary>
/// Whether MongoDB's capture is on (the <c>change_capture</c> switch, <see cref="Outbox.MongoChangeOutbox.IsCaptureOnAsync"/>),
/// read at most once per <see cref="Ttl"/> per process so that a write does not pay a read for it. The process that
/// switches (phase start-up) tells its own switch at once (<see cref="Known"/>); other processes see the change
/// within <see cref="Ttl"/>. Every process that writes MongoDB in <c>mongo_primary</c> switched capture on itself
/// before its first request, so the delay only concerns processes of another phase (a rolling restart), whose writes
/// the phase rules do not cover anyway. A failed read fails the write: nothing is written that might not be captured.
/// </summary>
public sealed class MongoCaptureSwitch(Func<CancellationToken, Task<bool>> read, TimeProvider clock, TimeSpan ttl)
{
    /// <summary>How long a read of the switch is trusted.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);

    private readonly object gate = new();
    private (bool On, long ReadAt)? cached;
    private Task<bool>? reading;

    public async ValueTask<bool> IsOnAsync(CancellationToken cancellationToken)
    {
        Task<bool> pending;
        lock (gate)
        {
            if (cached is { } c && clock.GetElapsedTime(c.ReadAt) < ttl) return c.On;
            if (reading is null || reading.IsCompleted) reading = ReadAsync();
            pending = reading;
        }
        return await pending.WaitAsync(cancellationToken);
    }

    /// <summary>This process just set the switch to <paramref name="on"/>.</summary>
    public void Known(bool on)
    {
        lock (gate) cached = (on, clock.GetTimestamp());
    }

    /// <summary>One read shared by the writes that found the cache stale; not cancelled by any one of them.</summary>
    private async Task<bool> ReadAsync()
    {
        var started = clock.GetTimestamp();
        var on = await read(CancellationToken.None);
        lock (gate)
        {
            // A Known() since the read started is newer than what the read saw.
            if (cached is not { } c || c.ReadAt < started) cached = (on, started);
            return cached.Value.On;
        }
    }
}
