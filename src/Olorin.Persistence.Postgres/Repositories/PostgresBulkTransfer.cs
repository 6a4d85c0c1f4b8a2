using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Olorin.Core.Ports;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The <see cref="IBulkTransferPort{TDocument,TKey}"/> half of every repository: keyset-paged export and verbatim
/// upsert, keyed by (tenant_id, id) — ids are unique per tenant — or, for the audit log's generated entry ids, by one
/// string column. Key columns use collation "C", so the order is ordinal.
/// </summary>
internal static class PostgresBulkTransfer
{
    /// <summary>Every row with (tenant, id) &gt; <paramref name="after"/>, in key order (<see cref="PostgresBulkReader"/>).</summary>
    public static IAsyncEnumerable<T> ExportAsync<T>(
        OlorinDbContext db, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey after,
        CancellationToken cancellationToken) where T : class
    {
        var entityType = EntityType<T>(db);
        string[] keys = [PostgresBulkReader.ColumnOf(entityType, tenant), PostgresBulkReader.ColumnOf(entityType, id)];
        return PostgresBulkReader.ReadAsync<T>(db, keys, after == default ? null : [after.TenantId, after.Id], cancellationToken);
    }

    /// <summary>
    /// Replaces the rows with the documents' (tenant, id) keys by the documents, exactly as given, in one statement
    /// (<see cref="PostgresBulkRows"/>: insert, or update every column on a primary-key conflict; the last document
    /// wins when a key repeats; another tenant's row with the same id is untouched).
    /// </summary>
    public static async Task<int> UpsertAsync<T>(
        OlorinDbContext db, IReadOnlyCollection<T> documents, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id,
        CancellationToken cancellationToken) where T : class
    {
        if (documents.Count == 0) return 0;
        var keyOf = KeyOf(tenant, id);
        var unique = documents.GroupBy(keyOf).Select(g => g.Last()).ToList();
        return await PostgresBulkRows.UpsertAsync(db, unique, cancellationToken);
    }

    /// <summary>Every row with key &gt; <paramref name="after"/>, in key order (single-key tables: the audit log).</summary>
    public static IAsyncEnumerable<T> ExportAsync<T>(
        OlorinDbContext db, Expression<Func<T, string>> key, string? after, CancellationToken cancellationToken) where T : class
        => PostgresBulkReader.ReadAsync<T>(db, [PostgresBulkReader.ColumnOf(EntityType<T>(db), key)], after is null ? null : [after], cancellationToken);

    private static Microsoft.EntityFrameworkCore.Metadata.IEntityType EntityType<T>(OlorinDbContext db)
        => db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");

    /// <summary>
    /// Replaces the rows with the documents' keys by the documents, exactly as given, in one statement
    /// (<see cref="PostgresBulkRows"/>; the last document wins when a key repeats). Single-key tables: the audit log.
    /// </summary>
    public static async Task<int> UpsertAsync<T>(
        OlorinDbContext db, IReadOnlyCollection<T> documents, Expression<Func<T, string>> key,
        CancellationToken cancellationToken) where T : class
    {
        if (documents.Count == 0) return 0;
        var keyOf = key.Compile();
        var unique = documents.GroupBy(keyOf, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        return await PostgresBulkRows.UpsertAsync(db, unique, cancellationToken);
    }

    public static Func<T, TenantKey> KeyOf<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id)
    {
        var tenantOf = tenant.Compile();
        var idOf = id.Compile();
        return document => new TenantKey(tenantOf(document), idOf(document));
    }
}
