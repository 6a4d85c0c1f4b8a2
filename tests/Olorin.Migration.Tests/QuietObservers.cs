using Olorin.Migration.Copying;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

internal sealed class QuietObserver : ICopyObserver, IVerifyObserver
{
    public List<FailedDocument> Failures { get; } = [];
    public void Started(string collection, long sourceCount, long alreadyDone, bool resumed) { }
    public void Progress(string collection, long done) { }
    public void Failed(string collection, FailedDocument failure) => Failures.Add(failure);
    public void Started(string collection, long sourceCount, long targetCount, long alreadyCompared, bool resumed) { }
}

/// <summary>Every start and progress call, in order (called from several tasks).</summary>
internal sealed class RecordingObserver : ICopyObserver
{
    private readonly Lock gate = new();
    private readonly List<(string Collection, string Event)> log = [];

    /// <summary>Called after each event is recorded (outside the lock), e.g. to stop a run at a chosen point.</summary>
    public Action<string, string>? After { get; init; }

    public List<(string Collection, string Event)> Log
    {
        get
        {
            lock (gate) return [.. log];
        }
    }

    public void Started(string collection, long sourceCount, long alreadyDone, bool resumed) => Record(collection, "started");

    public void Progress(string collection, long done) => Record(collection, $"progress {done}");

    public void Failed(string collection, FailedDocument failure) => Record(collection, "failed");

    private void Record(string collection, string @event)
    {
        lock (gate) log.Add((collection, @event));
        After?.Invoke(collection, @event);
    }
}
