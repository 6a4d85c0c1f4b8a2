using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The <see cref="Olorin.Core.Ports.IBulkTransferPort{TDocument,TKey}"/> half of every repository whose business key
/// is one string field: keyset-paged export (a fresh query per batch, so no server cursor can time out while a slow
/// consumer writes elsewhere) and verbatim upsert.
/// </summary>
internal static class MongoBulkTransfer
{
    public const int ExportBatchSize = 500;

    public static async IAsyncEnumerable<T> ExportAsync<T>(
        IMongoCollection<T> collection, Expression<Func<T, string>> key, string? after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keyOf = key.Compile();
        var cursor = after;
        while (true)
        {
            var batch = await collection.Find(KeyFilters.After(key, cursor))
                .Sort(KeyFilters.Ascending(key))
                .Limit(ExportBatchSize)
                .ToListAsync(cancellationToken);
            foreach (var document in batch) yield return document;
            if (batch.Count < ExportBatchSize) yield break;
            cursor = keyOf(batch[^1]);
        }
    }

    /// <summary>
    /// The export of a time series, in the same key order (the port's contract: the migration verifier merges the two
    /// backends' exports by key, and a checkpoint resumes after a key). The keyset export above would re-run its query
    /// per batch, and on a time series no index gives an order on a measurement field such as entry_id (a
    /// measurement-field index is kept per bucket as min/max; sorts use secondary indexes on the timeField, and under
    /// conditions on metaField and timeField: https://www.mongodb.com/docs/manual/core/timeseries/timeseries-secondary-index/),
    /// so each batch would unpack and sort every later
    /// bucket again. Here one query sorts once and one cursor walks the result a batch at a time (a sort larger than
    /// 100 MB writes temporary files by default since 6.0: https://www.mongodb.com/docs/manual/reference/method/cursor.allowDiskUse/).
    /// Entry ids are time-ordered (UUIDv7, AuditEntries), so for entries Olorin wrote this key order is time order, and
    /// the <c>$gt</c> on the key prunes whole buckets through the bucket-level entry_id index. A server cursor idle
    /// longer than the server's cursor timeout (10 minutes by default,
    /// https://www.mongodb.com/docs/manual/reference/parameters/#mongodb-parameter-param.cursorTimeoutMillis) while a
    /// slow consumer writes is killed; the export then re-opens after the last key it yielded.
    /// </summary>
    public static IAsyncEnumerable<T> ExportInOneCursorAsync<T>(
        IMongoCollection<T> collection, Expression<Func<T, string>> key, string? after, CancellationToken cancellationToken)
        => StreamAsync(collection, k => KeyFilters.After(key, k), KeyFilters.Ascending(key), key.Compile(), after, cancellationToken);

    /// <summary><see cref="ExportInOneCursorAsync{T}(IMongoCollection{T},Expression{Func{T,string}},string?,CancellationToken)"/> in (tenant, id) order.</summary>
    public static IAsyncEnumerable<T> ExportInOneCursorAsync<T>(
        IMongoCollection<T> collection, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey after, CancellationToken cancellationToken)
        => StreamAsync(collection, k => KeyFilters.After(tenant, id, k), KeyFilters.Ascending(tenant, id), KeyOf(tenant, id), after, cancellationToken);

    private const int MaxCursorReopens = 10;

    private static async IAsyncEnumerable<T> StreamAsync<T, TKey>(
        IMongoCollection<T> collection, Func<TKey, FilterDefinition<T>> after, SortDefinition<T> order, Func<T, TKey> keyOf, TKey start,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = start;
        var reopened = 0;
        IAsyncCursor<T>? cursor = null;
        try
        {
            while (true)
            {
                cursor ??= await ExportQueries.OneCursor(collection, after(last), order).ToCursorAsync(cancellationToken);
                bool more;
                try
                {
                    more = await cursor.MoveNextAsync(cancellationToken);
                }
                catch (MongoCursorNotFoundException) when (reopened++ < MaxCursorReopens)
                {
                    cursor.Dispose();
                    cursor = null;
                    continue;
                }
                if (!more) yield break;
                foreach (var document in cursor.Current)
                {
                    yield return document;
                    last = keyOf(document);
                }
            }
        }
        finally
        {
            cursor?.Dispose();
        }
    }

    public static Task<long> CountAllAsync<T>(IMongoCollection<T> collection, CancellationToken cancellationToken)
        => collection.CountDocumentsAsync(Builders<T>.Filter.Empty, cancellationToken: cancellationToken);

    /// <summary>
    /// Replaces each stored document with the same key, or inserts it, exactly as given (one ordered bulk write of
    /// upserting replaces; the last document wins when a key repeats, deduplicated here). Ordered: the server stops at
    /// the first error and reports it, leaving the rest unwritten
    /// (https://www.mongodb.com/docs/manual/reference/method/db.collection.bulkWrite/#ordered-vs-unordered-operations),
    /// so a failed batch is simply written again. A race with another writer on a new key is retried
    /// (<see cref="MongoErrors.RetryUpsertOnDuplicateKeyAsync{T}"/>): the filter is equality on the unique key.
    /// </summary>
    public static async Task<int> UpsertAsync<T>(
        IMongoCollection<T> collection, IReadOnlyCollection<T> documents, Expression<Func<T, string>> key,
        CancellationToken cancellationToken)
    {
        var unique = LastPerKey(documents, key.Compile());
        if (unique.Count == 0) return 0;
        var keyOf = key.Compile();
        var models = unique.Select(d => new ReplaceOneModel<T>(KeyFilters.Is(key, keyOf(d)), d) { IsUpsert = true }).ToList();
        await MongoErrors.RetryUpsertOnDuplicateKeyAsync(() => collection.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = true }, cancellationToken));
        return unique.Count;
    }

    /// <summary>
    /// The time-series variant: a time series takes no upsert ("update commands must not … use upsert", and updates only
    /// the metaField: https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#updates), so the
    /// stored documents with the keys are deleted (any filter from MongoDB 7.0, …#deletes) and the documents inserted.
    /// Not atomic: time-series writes cannot join a transaction (…#transactions); re-running the same upsert converges.
    /// </summary>
    public static async Task<int> DeleteThenInsertAsync<T>(
        IMongoCollection<T> collection, IReadOnlyCollection<T> documents, Expression<Func<T, string>> key,
        CancellationToken cancellationToken)
    {
        var keyOf = key.Compile();
        var unique = LastPerKey(documents, keyOf);
        if (unique.Count == 0) return 0;
        await collection.DeleteManyAsync(KeyFilters.In(key, unique.Select(keyOf)), cancellationToken);
        await collection.InsertManyAsync(unique, new InsertManyOptions { IsOrdered = true }, cancellationToken);
        return unique.Count;
    }

    private static List<T> LastPerKey<T>(IEnumerable<T> documents, Func<T, string> keyOf)
        => documents.GroupBy(keyOf, StringComparer.Ordinal).Select(g => g.Last()).ToList();

    /// <summary>Keyset export in (tenant, id) order: the key of every repository whose ids are unique per tenant.</summary>
    public static async IAsyncEnumerable<T> ExportAsync<T>(
        IMongoCollection<T> collection, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keyOf = KeyOf(tenant, id);
        var cursor = after;
        while (true)
        {
            var batch = await collection.Find(KeyFilters.After(tenant, id, cursor))
                .Sort(KeyFilters.Ascending(tenant, id))
                .Limit(ExportBatchSize)
                .ToListAsync(cancellationToken);
            foreach (var document in batch) yield return document;
            if (batch.Count < ExportBatchSize) yield break;
            cursor = keyOf(batch[^1]);
        }
    }

    /// <summary>
    /// Upserting replaces by (tenant, id), one ordered bulk write; the last document wins when a key repeats. The
    /// filter is equality on exactly the fields of the unique (tenant_id, id) index, the form the server's own
    /// duplicate-key retry of upserts needs (see the single-key overload).
    /// </summary>
    public static async Task<int> UpsertAsync<T>(
        IMongoCollection<T> collection, IReadOnlyCollection<T> documents, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id,
        CancellationToken cancellationToken)
    {
        var keyOf = KeyOf(tenant, id);
        var unique = documents.GroupBy(keyOf).Select(g => g.Last()).ToList();
        if (unique.Count == 0) return 0;
        var models = unique.Select(d => new ReplaceOneModel<T>(KeyFilters.Is(tenant, id, keyOf(d)), d) { IsUpsert = true }).ToList();
        await MongoErrors.RetryUpsertOnDuplicateKeyAsync(() => collection.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = true }, cancellationToken));
        return unique.Count;
    }

    /// <summary>The time-series variant of the (tenant, id) upsert: delete per tenant, then insert (see the single-key one).</summary>
    public static async Task<int> DeleteThenInsertAsync<T>(
        IMongoCollection<T> collection, IReadOnlyCollection<T> documents, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id,
        CancellationToken cancellationToken)
    {
        var keyOf = KeyOf(tenant, id);
        var unique = documents.GroupBy(keyOf).Select(g => g.Last()).ToList();
        if (unique.Count == 0) return 0;
        foreach (var ofTenant in unique.GroupBy(d => keyOf(d).TenantId, StringComparer.Ordinal))
            await collection.DeleteManyAsync(KeyFilters.In(tenant, id, ofTenant.Key, ofTenant.Select(d => keyOf(d).Id)), cancellationToken);
        await collection.InsertManyAsync(unique, new InsertManyOptions { IsOrdered = true }, cancellationToken);
        return unique.Count;
    }

    public static Func<T, TenantKey> KeyOf<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id)
    {
        var tenantOf = tenant.Compile();
        var idOf = id.Compile();
        return document => new TenantKey(tenantOf(document), idOf(document));
    }
}
