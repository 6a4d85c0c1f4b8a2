using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Repositories;

internal static class PostgresPaging
{
    /// <summary>Counts the matching rows, then reads one page of them in the given order.</summary>
    public static async Task<PagedResult<T>> ToPageAsync<T>(
        this IQueryable<T> matching, Func<IQueryable<T>, IOrderedQueryable<T>> order, PageRequest page,
        CancellationToken cancellationToken)
    {
        var total = await matching.LongCountAsync(cancellationToken);
        var items = await order(matching).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return new PagedResult<T>(items, total, page.Page, page.PageSize);
    }

    /// <summary>
    /// As above, with the total read from <c>row_counts</c> when <paramref name="counted"/> names the slice the filter
    /// selects (one primary-key read instead of a count of every matching row), and counted otherwise; no page is read
    /// past the total, and only the <paramref name="columns"/> the response needs when given.
    /// </summary>
    public static async Task<PagedResult<T>> ToPageAsync<T>(
        this IQueryable<T> matching, Func<IQueryable<T>, IOrderedQueryable<T>> order, PageRequest page,
        OlorinDbContext db, RowCountKey? counted, CancellationToken cancellationToken, Func<IQueryable<T>, IQueryable<T>>? columns = null)
    {
        var total = counted is null
            ? await matching.LongCountAsync(cancellationToken)
            : await RowCounts.ReadAsync(db, counted, cancellationToken);
        var ordered = order(matching).Skip(page.Skip).Take(page.PageSize);
        var items = total <= page.Skip ? [] : await (columns is null ? ordered : columns(ordered)).ToListAsync(cancellationToken);
        return new PagedResult<T>(items, total, page.Page, page.PageSize);
    }
}
