namespace Olorin.Core.Ports;

/// <summary>
/// Optional, for the migration tools when source and target are the <b>same backend with the same stored shape</b>
/// (PostgreSQL → PostgreSQL): rows move and are digested in the backend's own representation, without building the
/// models. The engine uses it only when both endpoints implement it and report equal <see cref="ShapeAsync"/> for a
/// collection; otherwise (and always for PostgreSQL ↔ MongoDB) it goes through <see cref="IBulkTransferPort{TDocument,TKey}"/>.
/// Keys are the export order's key values (the same values the port's cursor encodes), compared as the port orders them.
/// </summary>
public interface IRawRowTransfer
{
    /// <summary>
    /// The collection's stored shape (table, key columns, every copied column with its type), or null when the
    /// collection has no raw path here. Rows are exchanged raw only between endpoints whose shapes are equal.
    /// </summary>
    Task<string?> ShapeAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many documents the collection holds, counted by the backend without building the models (the raw path's
    /// counts: the model-based count of the ports costs a query compilation per collection, a fixed cost of each run).
    /// </summary>
    Task<long> CountAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one scan of the stored values, without building the models: how many documents the collection holds, and
    /// whether any of them may hold a value that the migration's preflight flags even for a target of this same
    /// backend: a non-finite floating-point number, an infinite timestamp or date, an embedding of other than
    /// <paramref name="embeddingDimensions"/> dimensions, or a value of a column type this check does not know (then
    /// always true). False means no stored row can give a finding for a target of this backend (what its types refuse,
    /// the source's refused too), so the preflight need not read the collection through the models.
    /// </summary>
    Task<RawValueScan> ScanFlaggedValuesAsync(string collection, int embeddingDimensions, CancellationToken cancellationToken = default);

    /// <summary>
    /// The key of the <paramref name="count"/>-th row after <paramref name="after"/> (all rows when null) in export
    /// order, or of the last row when fewer remain; null when no row remains.
    /// </summary>
    Task<IReadOnlyList<string>?> BoundaryAsync(string collection, IReadOnlyList<string>? after, int count, CancellationToken cancellationToken = default);

    /// <summary>Writes the rows with key in (<paramref name="after"/>, <paramref name="upTo"/>] to <paramref name="destination"/> in the backend's raw bulk format.</summary>
    Task ExportAsync(string collection, IReadOnlyList<string>? after, IReadOnlyList<string> upTo, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a load of the collection: one transaction of this backend in which <see cref="IRawRowLoad.AppendAsync"/>
    /// and <see cref="IRawRowLoad.UpsertAsync"/> write. Nothing it writes is visible to any other reader before
    /// <see cref="IRawRowLoad.CommitAsync"/>, and a load disposed without a commit (or whose write failed) leaves
    /// nothing behind. The migration commits one batch per load, or holds several batches in one load until the
    /// collections they refer to are complete on the target.
    /// </summary>
    Task<IRawRowLoad> BeginLoadAsync(string collection, CancellationToken cancellationToken = default);

    /// <summary>
    /// Count and order-independent digest of the stored values of the rows with key in (<paramref name="after"/>,
    /// <paramref name="upTo"/>] (unbounded when null), and how many of them carry an embedding. Equal digests on two
    /// endpoints of equal shape mean byte-identical stored values, row by row: values swapped between two rows of the
    /// range, or payloads traded between two keys, change it.
    /// </summary>
    Task<RawRangeDigest> DigestAsync(string collection, IReadOnlyList<string>? after, IReadOnlyList<string>? upTo, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IRawRowTransfer.ScanFlaggedValuesAsync"/> returns: the collection's count and whether it may hold a flagged value.</summary>
public readonly record struct RawValueScan(long Count, bool MayHoldFlaggedValues);

/// <summary>What <see cref="IRawRowTransfer.DigestAsync"/> returns for one key range.</summary>
public readonly record struct RawRangeDigest(long Count, string Digest, long WithEmbedding);

/// <summary>One transaction of <see cref="IRawRowTransfer.BeginLoadAsync"/> on the target: writes, then commits or is disposed.</summary>
public interface IRawRowLoad : IAsyncDisposable
{
    /// <summary>
    /// The load of a fresh target: when the collection holds (as this load sees it) no row with key after
    /// <paramref name="after"/> (any row when null), writes the rows <paramref name="writeRows"/> writes (the range up
    /// to <paramref name="upTo"/>, in the raw bulk format of <see cref="IRawRowTransfer.ExportAsync"/>) straight into
    /// the collection and returns how many it received; otherwise writes nothing and returns null (the caller then
    /// upserts: a batch written before a kill but not checkpointed is there again). Verbatim like
    /// <see cref="UpsertAsync"/>, without its staging and conflict handling. A failed write ends the load: it can only
    /// be disposed.
    /// </summary>
    Task<long?> AppendAsync(IReadOnlyList<string>? after, IReadOnlyList<string> upTo, Func<Stream, CancellationToken, Task> writeRows, CancellationToken cancellationToken = default);

    /// <summary>
    /// Upserts, by key and verbatim (<c>version</c>, <c>created_at</c>, <c>updated_at</c> included), the rows that
    /// <paramref name="writeRows"/> writes to the stream it is given in the raw bulk format of
    /// <see cref="IRawRowTransfer.ExportAsync"/>. Returns how many rows it received. A failed write ends the load.
    /// </summary>
    Task<long> UpsertAsync(Func<Stream, CancellationToken, Task> writeRows, CancellationToken cancellationToken = default);

    /// <summary>Makes everything this load wrote visible at once. Its durability may wait for the next ordinary commit on the same database (the checkpoint's).</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}
