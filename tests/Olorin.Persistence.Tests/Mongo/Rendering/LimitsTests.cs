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
    [InlineData(10, 100)]
    [InlineData(25, 250)]
    [InlineData(1_000, 10_000)]
    [InlineData(5_000, 10_000)]
    [InlineData(int.MaxValue, 10_000)]
    public void Vector_search_candidates_are_ten_per_neighbour_between_100_and_the_servers_10000(int k, int candidates)
        => Assert.Equal(candidates, AnomalyFilters.CandidatesFor(k));
}
