using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Embeddings;

/// <summary>EMBEDDING_ENABLED=false (how every other API test runs) and the model-name guard; no model is loaded here.</summary>
public sealed class EmbeddingDisabledTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly HttpClient _client = fixture.Factory.CreateClient($"tenant-{Guid.NewGuid():N}", "alice");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_by_text_is_503_saying_embedding_is_off_and_vectors_still_work()
    {
        var text = await (await _client.PostAsJsonAsync("/anomalies/search/similar", new { text = "chargebacks" }, Ct))
            .AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        var semantic = await (await _client.GetAsync("/investigations/search?q=fraud&mode=semantic", Ct))
            .AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        var vector = await _client.PostAsJsonAsync("/anomalies/search/similar", new { vector = Api.AnomaliesApiTests.Vector(1) }, Ct);

        Assert.Contains("EMBEDDING_ENABLED=false", text["detail"]!.GetValue<string>());
        Assert.Contains("EMBEDDING_ENABLED=false", semantic["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, vector.StatusCode);
    }

    [Theory]
    [InlineData("""{ "text": "x", "vector": null, "anomaly_id": "a-1" }""", "vector")]
    [InlineData("""{ "text": "   " }""", "text")]
    public async Task Text_is_one_of_three_exclusive_query_kinds_and_not_blank(string body, string field)
    {
        var problem = await (await _client.PostAsync("/anomalies/search/similar", HttpAssertions.RawJson(body), Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Theory]
    [InlineData("mode=fuzzy", "mode")]
    [InlineData("mode=semantic&min_similarity=1.5", "min_similarity")]
    [InlineData("min_similarity=0.5", "min_similarity")]
    public async Task Investigation_search_validates_mode_and_min_similarity(string query, string field)
    {
        var problem = await (await _client.GetAsync($"/investigations/search?q=fraud&{query}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task Health_says_embedding_is_switched_off()
    {
        var body = await (await fixture.Factory.CreateClient().GetAsync("/health", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var check = Assert.Single(body["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "embedding")!;
        Assert.Equal("Healthy", check["status"]!.GetValue<string>());
        Assert.Contains("EMBEDDING_ENABLED=false", check["description"]!.GetValue<string>());
    }

    [Fact]
    public void Another_model_name_is_refused_at_start_naming_the_variable()
    {
        var settings = OlorinApiFactory.SettingsFor(fixture.Database.ConnectionString, migrate: false);
        settings["EMBEDDING_MODEL_NAME"] = "all-mpnet-base-v2";
        using var factory = new OlorinApiFactory(settings);

        var refused = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains("EMBEDDING_MODEL_NAME must be all-MiniLM-L6-v2", string.Join(" ", refused.Failures));
    }
}
