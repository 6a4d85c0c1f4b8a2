using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Tests.Mongo.Capture;

/// <summary>
/// A double of the outbox's two intent calls (<see cref="IWriteIntents"/>, an interface of the adapter, not a database):
/// records each call with its keys, in order, and can be told to fail.
/// </summary>
internal sealed class RecordingIntents : IWriteIntents
{
    private readonly List<(string Call, ChangeKey[] Keys)> _calls = [];

    public Exception? FailBegin { get; set; }
    public Exception? FailEnd { get; set; }

    public IReadOnlyList<(string Call, ChangeKey[] Keys)> Calls { get { lock (_calls) return _calls.ToList(); } }

    public Task BeginAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken)
    {
        lock (_calls) _calls.Add(("begin", keys.ToArray()));
        return FailBegin is { } e ? Task.FromException(e) : Task.CompletedTask;
    }

    public Task EndAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken)
    {
        lock (_calls) _calls.Add(("end", keys.ToArray()));
        return FailEnd is { } e ? Task.FromException(e) : Task.CompletedTask;
    }
}

/// <summary>A clock the test moves (a double for time, not for a database).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
