using Olorin.Core.Models;
using Olorin.Core.Validation;

namespace Olorin.Server.Tests.Unit;

/// <summary>The anomaly and similarity-search rules for values JSON cannot carry to the API (NaN, infinities).</summary>
public sealed class AnomaliesRulesTests
{
    private const int Dimension = 384;

    private static ValidationErrors Create(float[]? embedding = null, double score = 1, double observed = 2, AnomalyWindow? window = null) =>
        AnomalyRules.ValidateCreate(
            anomalyId: null, runId: "run", detectorId: "det", investigationId: null,
            window: window ?? new AnomalyWindow { Start = new DateTime(2026, 1, 1), End = new DateTime(2026, 1, 1) },
            metric: "m", observed: observed, expected: 1, score: score, severity: AnomalySeverity.Info, persistedN: null,
            embedding: embedding, embeddingDimension: Dimension);

    private static float[] Filled(float value) => Enumerable.Repeat(value, Dimension).ToArray();

    [Fact]
    public void A_complete_anomaly_with_an_empty_or_full_embedding_is_valid()
    {
        Assert.True(Create().IsEmpty);
        Assert.True(Create(embedding: []).IsEmpty);
        Assert.True(Create(embedding: Filled(0.1f)).IsEmpty);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Embeddings_must_be_finite(float bad)
    {
        var embedding = Filled(0.1f);
        embedding[7] = bad;

        Assert.Contains("embedding[7]", Assert.Single(Create(embedding: embedding)["embedding"]));
    }

    [Fact]
    public void The_zero_vector_has_no_direction_and_is_rejected()
        => Assert.NotEmpty(Create(embedding: Filled(0))["embedding"]);

    [Fact]
    public void Scores_and_measurements_must_be_finite_and_scores_not_negative()
    {
        Assert.NotEmpty(Create(score: -0.001)["score"]);
        Assert.NotEmpty(Create(score: double.PositiveInfinity)["score"]);
        Assert.NotEmpty(Create(score: double.NaN)["score"]);
        Assert.True(Create(score: 0).IsEmpty);
        Assert.NotEmpty(Create(observed: double.NaN)["observed"]);
    }

    [Fact]
    public void Window_may_be_an_instant_but_not_reversed()
    {
        var start = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.True(Create(window: new AnomalyWindow { Start = start, End = start }).IsEmpty);
        Assert.NotEmpty(Create(window: new AnomalyWindow { Start = start, End = start.AddTicks(-1) })["window.end"]);
    }

    [Fact]
    public void A_search_names_exactly_one_of_vector_and_anomaly_id_and_the_vector_is_never_empty()
    {
        Assert.True(SimilarityRules.Validate(Filled(0.2f), null, null, null, null, Dimension).IsEmpty);
        Assert.True(SimilarityRules.Validate(null, "an-1", 100, 1, "det", Dimension).IsEmpty);
        Assert.True(SimilarityRules.Validate(null, "an-1", 10, -1, null, Dimension).IsEmpty); // cosine: -1 to 1 (Decision 11)
        Assert.True(SimilarityRules.Validate(null, "an-1", 10, -0.1, null, Dimension).IsEmpty);
        Assert.NotEmpty(SimilarityRules.Validate(null, null, null, null, null, Dimension)["vector"]);
        Assert.NotEmpty(SimilarityRules.Validate(Filled(0.2f), "an-1", null, null, null, Dimension)["vector"]);
        Assert.NotEmpty(SimilarityRules.Validate([], null, null, null, null, Dimension)["vector"]);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(101, null)]
    [InlineData(10, -1.01)]
    [InlineData(10, 1.01)]
    [InlineData(10, double.NaN)]
    public void K_and_min_similarity_have_ranges(int k, double? minSimilarity)
    {
        var errors = SimilarityRules.Validate(null, "an-1", k, minSimilarity, null, Dimension);

        Assert.NotEmpty(errors[k is < 1 or > 100 ? "k" : "min_similarity"]);
    }
}
