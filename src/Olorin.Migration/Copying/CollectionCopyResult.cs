namespace Olorin.Migration.Copying;

public sealed record FailedDocument(DocumentKey Key, string Error);

public sealed record CollectionCopyResult(
    string Collection, long SourceCount, long Copied, long Skipped, long Failed, TimeSpan Elapsed, bool Resumed,
    bool AlreadyComplete, IReadOnlyList<FailedDocument> Failures, TimeSpan IndexBuild = default)
{
    /// <summary>Whether this run copied the collection by the same-backend raw path (<see cref="CopyOptions.RawRows"/>).</summary>
    public bool Raw { get; init; }

    /// <summary>
    /// The documents this run copied: <see cref="Copied"/> less what earlier runs of a resumed collection had copied
    /// (0 for one <see cref="AlreadyComplete"/>). The numerator of a rate over this run's time.
    /// </summary>
    public long CopiedThisRun { get; init; }

    /// <summary>Documents per second of the copy itself (<see cref="Elapsed"/>; the deferred index build is <see cref="IndexBuild"/>).</summary>
    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Copied / Elapsed.TotalSeconds : 0;
}
