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
                    Expression.AndAlso(Expression.Equal(tenant.Body, Expression.Constant(c.TenantId)), GreaterThan(idBody, c.Id)));
                query = query.Where(Expression.Lambda<Func<T, bool>>(after_, tenant.Parameters));
            }
            var batch = await query.OrderBy(tenant).ThenBy(id).Take(ExportBatchSize).ToListAsync(cancellationToken);
            foreach (var document in batch) yield return document;
            if (batch.Count < ExportBatchSize) yield break;
            cursor = keyOf(batch[^1]);
        }
    }

    /// <summary>
    /// Replaces the rows with the documents' (tenant, id) keys by the documents, exactly as given, in one transaction
    /// (delete-then-insert; the last document wins when a key repeats; another tenant's row with the same id is untouched).
    /// </summary>
    public static async Task<int> UpsertAsync<T>(
        OlorinDbContext db, IReadOnlyCollection<T> documents, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id,
        CancellationToken cancellationToken) where T : class
    {
        if (documents.Count == 0) return 0;
        var keyOf = KeyOf(tenant, id);
        var tenantOf = tenant.Compile();
        var idOf = id.Compile();
        var unique = documents.GroupBy(keyOf).Select(g => g.Last()).ToList();
        var idBody = Rebind(id, tenant.Parameters[0]);

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var ofTenant in unique.GroupBy(tenantOf, StringComparer.Ordinal))
            {
                var ids = ofTenant.Select(idOf).ToList();
                var match = Expression.AndAlso(
                    Expression.Equal(tenant.Body, Expression.Constant(ofTenant.Key)),
                    Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Constant(ids), idBody));
                await db.Set<T>().Where(Expression.Lambda<Func<T, bool>>(match, tenant.Parameters)).ExecuteDeleteAsync(cancellationToken);
                // One tenant at a time: a model keyed on the id alone (detection runs) tracks one row per id.
                db.Set<T>().AddRange(ofTenant);
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
            await transaction.CommitAsync(cancellationToken);
            return unique.Count;
        });
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

    /// <summary>Single-key variant of <see cref="UpsertAsync{T}(OlorinDbContext,IReadOnlyCollection{T},Expression{Func{T,string}},Expression{Func{T,string}},CancellationToken)"/>.</summary>
    public static async Task<int> UpsertAsync<T>(
        OlorinDbContext db, IReadOnlyCollection<T> documents, Expression<Func<T, string>> key,
        CancellationToken cancellationToken) where T : class
    {
        if (documents.Count == 0) return 0;
        var keyOf = key.Compile();
        var unique = documents.GroupBy(keyOf, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var keys = unique.Select(keyOf).ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Constant(keys), key.Body);
            await db.Set<T>().Where(Expression.Lambda<Func<T, bool>>(contains, key.Parameters)).ExecuteDeleteAsync(cancellationToken);
            db.Set<T>().AddRange(unique);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return unique.Count;
        });
    }

    public static Func<T, TenantKey> KeyOf<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id)
    {
        var tenantOf = tenant.Compile();
        var idOf = id.Compile();
        return document => new TenantKey(tenantOf(document), idOf(document));
    }

    private static Expression GreaterThan(Expression member, string value)
        => Expression.GreaterThan(
            Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, member, Expression.Constant(value)),
            Expression.Constant(0));

    private static Expression Rebind<T>(Expression<Func<T, string>> lambda, ParameterExpression parameter)
        => new Rebinder(lambda.Parameters[0], parameter).Visit(lambda.Body);

    private sealed class Rebinder(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
