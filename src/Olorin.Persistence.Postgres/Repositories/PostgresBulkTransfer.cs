using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The <see cref="Olorin.Core.Ports.IBulkTransferPort{TDocument,TKey}"/> half of every repository whose business
/// key is one string column (collation "C", so ordinal order): keyset-paged export and verbatim upsert.
/// </summary>
internal static class PostgresBulkTransfer
{
    public const int ExportBatchSize = 500;

    /// <summary>Every row with key &gt; <paramref name="after"/>, in key order, <see cref="ExportBatchSize"/> rows at a time.</summary>
    public static async IAsyncEnumerable<T> ExportAsync<T>(
        OlorinDbContext db, Expression<Func<T, string>> key, string? after,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : class
    {
        var keyOf = key.Compile();
        var cursor = after;
        while (true)
        {
            var query = db.Set<T>().AsNoTracking();
            if (cursor is not null) query = query.Where(KeyGreaterThan(key, cursor));
            var batch = await query.OrderBy(key).Take(ExportBatchSize).ToListAsync(cancellationToken);
            foreach (var document in batch) yield return document;
            if (batch.Count < ExportBatchSize) yield break;
            cursor = keyOf(batch[^1]);
        }
    }

    /// <summary>
    /// Replaces the rows with the documents' keys by the documents, exactly as given, in one statement
    /// (<see cref="PostgresBulkRows"/>: insert, or update every column on a primary-key conflict; the last document
    /// wins when a key repeats).
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

    // The values are read through a closure-like holder, not inlined as constants, so EF Core sends them as
    // parameters and compiles each query shape once (an inlined constant made every batch a new query to compile).
    private sealed class Holder<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }

    private static Expression Parameter<TValue>(TValue value)
        => Expression.Property(Expression.Constant(new Holder<TValue>(value)), nameof(Holder<TValue>.Value));

    private static Expression<Func<T, bool>> KeyGreaterThan<T>(Expression<Func<T, string>> key, string cursor)
    {
        var compare = Expression.Call(
            typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!,
            key.Body, Parameter(cursor));
        return Expression.Lambda<Func<T, bool>>(Expression.GreaterThan(compare, Expression.Constant(0)), key.Parameters);
    }
}
