namespace Olorin.Migration.Collections;

/// <summary>One exported document: the model, its identity and the opaque cursor that resumes an export after it.</summary>
public readonly record struct ExportedDocument(object Document, DocumentKey Key, string Cursor);

/// <summary>
/// One of the ten collections, seen through its repository port (<see cref="Olorin.Core.Ports.IBulkTransferPort{TDocument,TKey}"/>)
/// of whichever backend a service provider composes. The engine copies and verifies through this, never through a
/// database API, so any two backends can be source and target.
/// </summary>
public abstract class MigrationCollection(string name)
{
    /// <summary>The collection's name (MongoDB collection name; <c>--collections</c> takes these).</summary>
    public string Name { get; } = name;

    /// <summary>
    /// The collections whose documents this one's name (an anomaly names its detector, its run and maybe an
    /// investigation): the copy makes this collection's documents visible on the target only once every one of those
    /// it copies is complete there, so a reader of the target during the copy never meets a reference to a document
    /// that is still to come (<see cref="Copying.CopySchedule"/>).
    /// </summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Whether MongoDB stores it as a time series (4 MB measurement limit, no upserts).</summary>
    public bool TimeSeries { get; init; }

    public abstract Task<long> CountAsync(IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>Documents in export order, strictly after <paramref name="cursor"/> (everything when null).</summary>
    public abstract IAsyncEnumerable<ExportedDocument> ExportAsync(IServiceProvider services, string? cursor, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces each document by key, verbatim.</summary>
    public abstract Task<int> UpsertAsync(IServiceProvider services, IReadOnlyList<object> documents, CancellationToken cancellationToken);

    /// <summary>The document's identity: tenant and business id.</summary>
    public abstract DocumentKey KeyOf(object document);

    /// <summary>The export order of two documents of this collection (the order both backends export in).</summary>
    public abstract int CompareOrder(object left, object right);

    /// <summary>The key values an export cursor encodes, in key order (what <see cref="Olorin.Core.Ports.IRawRowTransfer"/> takes).</summary>
    public abstract IReadOnlyList<string> KeyValues(string cursor);

    /// <summary>The export cursor of the given key values (<see cref="KeyValues"/> reversed).</summary>
    public abstract string CursorOf(IReadOnlyList<string> keyValues);

    /// <summary>The export order of a document against an export cursor (&lt; 0: the document comes before it).</summary>
    public abstract int CompareToCursor(object document, string cursor);

    /// <summary>The document's embedding, for collections that carry one; null otherwise.</summary>
    public virtual float[]? EmbeddingOf(object document) => null;

    /// <summary>
    /// Whether the documents carry an embedding the migration checks (<see cref="EmbeddingOf"/>): on a target that
    /// indexes it as a vector graph, building that index is the longest single step of the copy.
    /// </summary>
    public virtual bool CarriesEmbeddings => false;
}
