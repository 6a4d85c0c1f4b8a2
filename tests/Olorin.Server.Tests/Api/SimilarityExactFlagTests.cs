using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;
using static Olorin.Server.Tests.Api.AnomaliesApiTests;

namespace Olorin.Server.Tests.Api;

/// <summary>A server that sends every search through the HNSW index (no candidate count is small enough) with a tiny ef_search.</summary>
public sealed class ApproximateSearchFixture : PostgresApiFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES"] = "0";
        settings["PGVECTOR_EF_SEARCH"] = "10";
    }
}

public sealed class SimilarityExactFlagTests(ApproximateSearchFixture fixture) : IClassFixture<ApproximateSearchFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exact_true_returns_the_true_nearest_neighbours_in_order_even_where_the_index_would_be_used()
    {
        var client = fixture.Factory.CreateClient($"tenant-{Guid.NewGuid():N}", "alice");
        var random = new Random(5);
        var vectors = Enumerable.Range(0, 2_000).Select(_ => Unit(random)).ToArray();
        foreach (var chunk in Enumerable.Range(0, vectors.Length).Chunk(1_000))
        {
            var body = new JsonObject { ["anomalies"] = new JsonArray([.. chunk.Select(i => (JsonNode?)ValidAnomaly($"v-{i:D4}", embedding: vectors[i]))]) };
            await (await client.PostAsJsonAsync("/anomalies/bulk", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        }

        for (var q = 0; q < 5; q++)
        {
            var query = Unit(random);
            var expected = Enumerable.Range(0, vectors.Length)
                .OrderByDescending(i => VectorMath.Cosine(query, vectors[i]))
                .Take(10).Select(i => $"v-{i:D4}").ToArray();

            var response = await client.PostAsJsonAsync("/anomalies/search/similar", new { vector = query, k = 10, min_similarity = -1, exact = true }, Ct);
            var hits = (await response.AssertJsonAsync(HttpStatusCode.OK))["anomalies"]!.AsArray();

            Assert.Equal(expected, hits.Select(h => h!["anomaly_id"]!.GetValue<string>()));
        }
    }

    private static float[] Unit(Random random)
    {
        var v = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
