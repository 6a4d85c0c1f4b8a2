using Olorin.Migration.Canonical;

namespace Olorin.Migration.Verification;

public sealed record VerifyOptions
{
    /// <summary>Source documents per key range (one content hash per range and side).</summary>
    public int RangeSize { get; init; } = 1000;

    /// <summary>
    /// Rows per key range on the same-backend digest path (<see cref="RawRows"/>; never fewer than <see cref="RangeSize"/>):
    /// a digest costs the servers a round trip and a checkpoint per range, not memory, so its ranges are larger; a range
    /// whose digests differ is compared through the canonical form in ranges of <see cref="RangeSize"/>.
    /// </summary>
    public int DigestRangeSize { get; init; } = 10_000;

    /// <summary>How many collections are verified at once, each over its own connections.</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>How many mismatching documents to report per collection (all are counted).</summary>
    public int Limit { get; init; } = 20;

    /// <summary>Ignore a stopped verification's checkpoints and start again.</summary>
    public bool Restart { get; init; }

    /// <summary>
    /// Between two databases of the same backend and stored shape (PostgreSQL ↔ PostgreSQL), compare each range first
    /// by a digest the servers compute over the stored values (<see cref="Olorin.Core.Ports.IRawRowTransfer.DigestAsync"/>);
    /// only a range whose digests differ is read and compared through the canonical form, which decides. Never used
    /// between different backends.
    /// </summary>
    public bool RawRows { get; init; } = true;
}

public static class MismatchKinds
{
    public const string Missing = "missing";
    public const string Extra = "extra";
    public const string Different = "different";
}

/// <summary>A document missing on the target, extra on the target, or different (with the differing fields).</summary>
public sealed record DocumentMismatch(string Collection, string Kind, string TenantId, string Id, IReadOnlyList<FieldDifference> Fields);

/// <summary><c>12,456/12,456 (100.0%)</c>: source documents with an embedding, and how many of those the target holds bit-for-bit.</summary>
public sealed record EmbeddingCoverage(long WithEmbedding, long Matching)
{
    public override string ToString()
        => $"{Matching:N0}/{WithEmbedding:N0} ({(WithEmbedding == 0 ? 100.0 : 100.0 * Matching / WithEmbedding):0.0}%)";
}

public sealed record CollectionVerification(
    string Collection, long SourceCount, long TargetCount, long Compared, long Ranges, long DifferingRanges,
    long Missing, long Extra, long Different, IReadOnlyList<DocumentMismatch> Mismatches, EmbeddingCoverage? Embeddings,
    TimeSpan Elapsed, bool Resumed)
{
    /// <summary>Whether this run compared ranges by the servers' digests first (<see cref="VerifyOptions.RawRows"/>).</summary>
    public bool Raw { get; init; }

    /// <summary>
    /// The documents this run compared: <see cref="Compared"/> less the saved tally of earlier runs of a resumed
    /// collection (all of it for one that was complete). The numerator of a rate over this run's time.
    /// </summary>
    public long ComparedThisRun { get; init; }

    public bool Equal => SourceCount == TargetCount && Missing == 0 && Extra == 0 && Different == 0
                         && (Embeddings is null || Embeddings.Matching == Embeddings.WithEmbedding);

    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Compared / Elapsed.TotalSeconds : 0;
}

/// <summary>What the verifier tells its caller while it runs.</summary>
public interface IVerifyObserver
{
    void Started(string collection, long sourceCount, long targetCount, long alreadyCompared, bool resumed);
    void Progress(string collection, long compared);
}
