namespace Olorin.Core.Ports;

/// <summary>
/// What the migration tools need of every port: all documents of every tenant as a stream ordered by business
/// key — (tenant_id, id) for every resource, since ids are unique per tenant (Decision 4 revised) — in
/// binary/ordinal string order on every backend, resumable after a given key, in bounded memory; and a
/// bulk upsert that stores documents exactly as given (<c>version</c>, <c>created_at</c>, <c>updated_at</c>
/// included), replacing any stored document with the same key.
/// </summary>
public interface IBulkTransferPort<TDocument, TKey>
{
    /// <summary>The business key that orders the export and identifies a document for upserts.</summary>
    TKey KeyOf(TDocument document);

    /// <summary>Every document of every tenant whose key is strictly after <paramref name="after"/> (all when null).</summary>
    IAsyncEnumerable<TDocument> ExportAsync(TKey? after = default, CancellationToken cancellationToken = default);

    /// <summary>Documents of every tenant.</summary>
    Task<long> CountAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces each document by key, verbatim. Returns how many were written.</summary>
    Task<int> BulkUpsertAsync(IReadOnlyCollection<TDocument> documents, CancellationToken cancellationToken = default);
}
