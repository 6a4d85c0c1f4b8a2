namespace Olorin.Migration.Copying;

/// <summary>What the engine tells its caller while it copies (progress bars, logs).</summary>
public interface ICopyObserver
{
    /// <summary>
    /// The collection's copy starts. Called again for a collection whose early start was undone (its held rows rolled
    /// back, <see cref="CopySchedule"/>): its progress then starts over from <paramref name="alreadyDone"/>.
    /// </summary>
    void Started(string collection, long sourceCount, long alreadyDone, bool resumed);
    void Progress(string collection, long done);
    void Failed(string collection, FailedDocument failure);
}
