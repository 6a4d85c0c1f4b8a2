namespace Olorin.Persistence.Mongo.Repositories;

internal static class MongoPaging
{
    /// <summary>
    /// One page of <paramref name="filter"/> in <paramref name="sort"/> order, with the total count: an exact
    /// <c>countDocuments</c> (a <c>$match</c> + <c>$group</c> count over the same filter, served by the same index;
    /// https://www.mongodb.com/docs/manual/reference/method/db.collection.countDocuments/#mechanics), then
    /// <c>skip</c> + <c>limit</c> on the index order (the sort's index: ListSortCoverageTests). <paramref name="count"/>
    /// replaces the <c>countDocuments</c> of <paramref name="filter"/> when the caller counts the same documents more cheaply.
    /// </summary>
    public static async Task<PagedResult<T>> FindPageAsync<T>(
        IMongoCollection<T> collection, FilterDefinition<T> filter, SortDefinition<T> sort, PageRequest page,
        CancellationToken cancellationToken, ProjectionDefinition<T, T>? projection = null, Func<CancellationToken, Task<long>>? count = null)
    {
        var total = count is null
            ? await collection.CountDocumentsAsync(filter, cancellationToken: cancellationToken)
            : await count(cancellationToken);
        var items = total <= page.Skip || RowLimit.FetchesNothing(page.PageSize)
            ? []
            : projection is null
                ? await collection.Find(filter).Sort(sort).Skip(page.Skip).Limit(page.PageSize).ToListAsync(cancellationToken)
                : await collection.Find(filter).Sort(sort).Skip(page.Skip).Limit(page.PageSize).Project(projection).ToListAsync(cancellationToken);
        return new PagedResult<T>(items, total, page.Page, page.PageSize);
    }
}
