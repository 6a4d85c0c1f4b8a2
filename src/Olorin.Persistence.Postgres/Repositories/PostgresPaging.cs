using Microsoft.EntityFrameworkCore;
using Olorin.Core.Paging;

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
}
