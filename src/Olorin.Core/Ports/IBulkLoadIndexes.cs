namespace Olorin.Core.Ports;

/// <summary>
/// Optional, for the migration tools' target: secondary indexes a backend can set aside while an <b>empty</b>
/// collection is bulk-loaded and build once afterwards, which costs far less than maintaining them row by row (a
/// pgvector HNSW index over 6,400 embeddings: about 3.6 s built after the load against 10 s maintained during it on
/// the 2-core test machine). The description is opaque text the caller keeps durably (the migration checkpoint on
/// the target) between <see cref="DropAsync"/> and <see cref="RestoreAsync"/>, so a run killed in between restores
/// them when it is resumed. A backend without this keeps its indexes during the load.
/// </summary>
public interface IBulkLoadIndexes
{
    /// <summary>
    /// The collection's secondary indexes that may be built after the load, or null when there are none or the
    /// collection is not empty (then nothing is deferred). Changes nothing.
    /// </summary>
    Task<string?> DescribeDeferrableAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>Drops the described indexes (those already gone are skipped).</summary>
    Task DropAsync(string deferred, CancellationToken cancellationToken = default);

    /// <summary>Builds the described indexes again (those already present are skipped).</summary>
    Task RestoreAsync(string deferred, CancellationToken cancellationToken = default);
}
