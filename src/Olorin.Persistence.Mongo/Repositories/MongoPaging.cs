using MongoDB.Driver;
using Olorin.Core.Paging;

namespace Olorin.Persistence.Mongo.Repositories;

internal static class MongoPaging
{
    /// <summary>One page of <paramref name="filter"/> in <paramref name="sort"/> order, with the total count.</summary>
    public static async Task<PagedResult<T>> FindPageAsync<T>(
        IMongoCollection<T> collection, FilterDefinition<T> filter, SortDefinition<T> sort, PageRequest page,
        CancellationToken cancellationToken, ProjectionDefinition<T, T>? projection = null)
    {
        var total = await collection.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var items = total <= page.Skip || RowLimit.FetchesNothing(page.PageSize)
            ? []
            : projection is null
                ? await collection.Find(filter).Sort(sort).Skip(page.Skip).Limit(page.PageSize).ToListAsync(cancellationToken)
                : await collection.Find(filter).Sort(sort).Skip(page.Skip).Limit(page.PageSize).Project(projection).ToListAsync(cancellationToken);
        return new PagedResult<T>(items, total, page.Page, page.PageSize);
    }
}
