using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>Limits the server reads differently from the ports.</summary>
public sealed class LimitsTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(-5, true)]
    [InlineData(1, false)]
    [InlineData(100, false)]
    public void A_limit_below_one_fetches_nothing_instead_of_MongoDBs_unlimited_zero(int limit, bool nothing)
        => Assert.Equal(nothing, RowLimit.FetchesNothing(limit));

    [Theory]
    [InlineData(1, 100)]
    [InlineData(5, 100)]
    [InlineData(11, 220)]
    [InlineData(101, 2_020)]
    [InlineData(500, 10_000)]
    [InlineData(10_000, 10_000)]
    [InlineData(int.MaxValue, 10_000)]
    public void Vector_search_candidates_are_twenty_per_result_between_100_and_the_servers_10000(int limit, int candidates)
    {
        Assert.Equal(candidates, AnomalyFilters.CandidatesFor(limit));
        // The stage refuses numCandidates below limit; callers keep limit within the 10,000.
        if (limit <= AnomalyFilters.MaxCandidates) Assert.True(AnomalyFilters.CandidatesFor(limit) >= limit);
    }
}
