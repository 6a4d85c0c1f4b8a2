namespace Olorin.Migration.Copying;

public sealed record CopyOptions
{
    public const int DefaultBatchSize = 1000;
    public const int DefaultRawBatchSize = 10_000;

    /// <summary>Documents per read and per write batch through the models (memory holds two batches per collection).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Rows per <c>COPY</c> transaction and checkpoint on the raw path (<see cref="RawRows"/>). The rows stream from one
    /// server to the other, so memory does not depend on it; each batch costs a boundary query, a transaction and a
    /// checkpoint, which at 1,000 rows were a fifth of the copy's wall clock (measured on the 50k mixed dataset).
    /// </summary>
    public int RawBatchSize { get; init; } = DefaultRawBatchSize;

    public const int DefaultParallelism = 2;

    /// <summary>
    /// How many collections are copied at once, each over its own connections, in <see cref="CopySchedule"/>'s order (a
    /// collection's documents become visible only after those of the collections it refers to). Memory is bounded per
    /// collection, so it grows with this, not with the data; a held load waiting for its references takes no slot.
    /// </summary>
    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>Ignore checkpoints and copy everything again (idempotent: upserts by key).</summary>
    public bool Restart { get; init; }

    /// <summary>Documents not to copy (the preflight's findings when the operator chose to skip them), per collection.</summary>
    public IReadOnlyDictionary<string, HashSet<DocumentKey>> Skip { get; init; } = new Dictionary<string, HashSet<DocumentKey>>();

    /// <summary>How many failed documents to keep with their ids and errors per collection.</summary>
    public int KeepFailures { get; init; } = 100;

    /// <summary>
    /// Build the target's secondary indexes after loading an empty collection instead of maintaining them row by row
    /// (where the target supports it: <see cref="Olorin.Core.Ports.IBulkLoadIndexes"/>).
    /// </summary>
    public bool DeferIndexes { get; init; } = true;

    /// <summary>
    /// Between two databases of the same backend and stored shape (PostgreSQL → PostgreSQL), move rows in the
    /// backend's own format (<see cref="Olorin.Core.Ports.IRawRowTransfer"/>) instead of through the models. Never
    /// used when documents are to be skipped, nor between different backends.
    /// </summary>
    public bool RawRows { get; init; } = true;
}
