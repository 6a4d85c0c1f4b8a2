namespace Olorin.Core.Paging;

/// <summary>A 1-based page of at most <see cref="MaxPageSize"/> items.</summary>
public sealed record PageRequest(int Page = 1, int PageSize = PageRequest.DefaultPageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The highest page a client may ask for: (MaxPage − 1) × MaxPageSize stays far inside an int offset.</summary>
    public const int MaxPage = 100_000;

    public int Skip => checked((Page - 1) * PageSize);
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, long TotalCount, int Page, int PageSize)
{
    public bool HasNextPage => (long)Page * PageSize < TotalCount;
    public bool HasPreviousPage => Page > 1;

    /// <summary>
    /// True when more items matched than <see cref="TotalCount"/> counts: a search that ranks a bounded number of
    /// matches (PostgreSQL full-text search) counts those and says here that there were more.
    /// </summary>
    public bool MoreMatches { get; init; }

    public PagedResult<TOut> Map<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), TotalCount, Page, PageSize) { MoreMatches = MoreMatches };
}
