using System.Linq.Expressions;
using System.Runtime.CompilerServices;
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
    public const int ExportBatchSize = 500;

    /// <summary>Every row with (tenant, id) &gt; <paramref name="after"/>, in key order, <see cref="ExportBatchSize"/> rows at a time.</summary>
    public static async IAsyncEnumerable<T> ExportAsync<T>(
        OlorinDbContext db, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey after,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : class
    {
        var idBody = Rebind(id, tenant.Parameters[0]);
        var keyOf = KeyOf(tenant, id);
        TenantKey? cursor = after == default ? null : after;
        while (true)
        {
            var query = db.Set<T>().AsNoTracking();
            if (cursor is { } c)
            {
                // tenant > c.tenant OR (tenant = c.tenant AND id > c.id)
                var after_ = Expression.OrElse(
                    GreaterThan(tenant.Body, c.TenantId),
                    Expression.AndAlso(EqualTo(tenant.Body, c.TenantId), GreaterThan(idBody, c.Id)));
                query = query.Where(Expression.Lambda<Func<T, bool>>(after_, tenant.Parameters));
            }
            var batch = await query.OrderBy(tenant).ThenBy(id).Take(ExportBatchSize).ToListAsync(cancellationToken);
            foreach (var document in batch) yield return document;
            if (batch.Count < ExportBatchSize) yield break;
            cursor = keyOf(batch[^1]);
        }
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
    public static async IAsyncEnumerable<T> ExportAsync<T>(
        OlorinDbContext db, Expression<Func<T, string>> key, string? after,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : class
    {
        var keyOf = key.Compile();
        var cursor = after;
        while (true)
        {
            var query = db.Set<T>().AsNoTracking();
            if (cursor is not null)
                query = query.Where(Expression.Lambda<Func<T, bool>>(GreaterThan(key.Body, cursor), key.Parameters));
            var batch = await query.OrderBy(key).Take(ExportBatchSize).ToListAsync(cancellationToken);
            foreach (var document in batch) yield return document;
            if (batch.Count < ExportBatchSize) yield break;
            cursor = keyOf(batch[^1]);
        }
    }

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

    // The cursor values are read through a holder, not inlined as constants, so EF Core sends them as parameters and
    // compiles each query shape once (an inlined constant made every batch a new query to compile).
    private sealed class Holder<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }

    private static Expression Parameter(string value)
        => Expression.Property(Expression.Constant(new Holder<string>(value)), nameof(Holder<string>.Value));

    private static Expression GreaterThan(Expression member, string value)
        => Expression.GreaterThan(
            Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, member, Parameter(value)),
            Expression.Constant(0));

    private static Expression EqualTo(Expression member, string value) => Expression.Equal(member, Parameter(value));

    private static Expression Rebind<T>(Expression<Func<T, string>> lambda, ParameterExpression parameter)
        => new Rebinder(lambda.Parameters[0], parameter).Visit(lambda.Body);

    private sealed class Rebinder(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
