using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Api;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Embeddings;

/// <summary>Server-side embeddings end to end on PostgreSQL, with the real model.</summary>
public sealed class EmbeddingApiTests(EmbeddingApiFixture fixture) : IClassFixture<EmbeddingApiFixture>
{
    private readonly HttpClient _client = fixture.CreateClient($"tenant-{Guid.NewGuid():N}", "alice");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_anomaly_created_without_an_embedding_gets_one_and_is_found_by_text()
    {
        var chargebacks = Anomaly("chargeback_rate", "critical", new JsonObject { ["merchant_category"] = "electronics" },
            new JsonObject { ["reason"] = "spike of disputed card payments" });
        var logins = Anomaly("failed_login_count", "warn", new JsonObject { ["region"] = "eu" },
            new JsonObject { ["reason"] = "password spraying against many accounts" });
        var target = await CreateAnomalyAsync(chargebacks);
        await CreateAnomalyAsync(logins);

        await EventuallyEmbeddedAsync($"/anomalies/{target}");
        var hits = await (await _client.PostAsJsonAsync("/anomalies/search/similar",
                new { text = "surge in disputed payments and chargebacks", min_similarity = 0.0 }, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);

        var first = hits["anomalies"]!.AsArray()[0]!;
        Assert.Equal(target, first["anomaly_id"]!.GetValue<string>());
        Assert.True(first["has_embedding"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_anomaly_created_with_a_vector_keeps_it_exactly()
    {
        var vector = AnomaliesApiTests.Vector(42);
        var body = Anomaly("tx_amount", "info", [], []);
        body["embedding"] = new JsonArray(vector.Select(x => (JsonNode)x).ToArray());
        var id = await CreateAnomalyAsync(body);
        // A neighbour without one, so the worker has run by the time it is embedded.
        await EventuallyEmbeddedAsync($"/anomalies/{await CreateAnomalyAsync(Anomaly("tx_amount", "info", [], []))}");

        var stored = await (await _client.GetAsync($"/anomalies/{id}?include_embedding=true", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(vector, stored["embedding"]!.AsArray().Select(x => x!.GetValue<float>()));
    }

    [Fact]
    public async Task Semantic_search_puts_the_closest_investigation_first_and_follows_changes_of_its_results()
    {
        var fraud = await CreateInvestigationAsync("Card testing ring", "Dozens of tiny card authorisations from one device, most declined.");
        var phishing = await CreateInvestigationAsync("Phishing wave", "Customers received emails imitating the bank's login page.");
        var refunds = await CreateInvestigationAsync("Refund abuse", "One buyer claimed item-not-received on many delivered orders.");

        var ranked = await EventuallyAsync(
            () => SemanticAsync("many small declined card payments from a single device"),
            r => r["totalCount"]!.GetValue<long>() == 3);
        Assert.Equal(fraud, Ids(ranked)[0]);
        Assert.True(ranked["investigations"]![0]!["rank"]!.GetValue<double>() > ranked["investigations"]![1]!["rank"]!.GetValue<double>());

        // New results: the embedding is computed again from them.
        var current = await (await _client.GetAsync($"/investigations/{refunds}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var patch = new { version = current["version"]!.GetValue<int>(), results = new { summary = "Card testing: bursts of tiny declined card payments from one device." } };
        await (await _client.PatchJsonAsync($"/investigations/{refunds}", patch, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var after = await EventuallyAsync(
            () => SemanticAsync("emails imitating the bank's login page"),
            r => r["totalCount"]!.GetValue<long>() == 3 && Ids(r).Count == 3);
        Assert.Equal(phishing, Ids(after)[0]);
    }

    [Fact]
    public async Task Health_reports_the_loaded_model()
    {
        var body = await (await fixture.Factory.CreateClient().GetAsync("/health", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var check = Assert.Single(body["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "embedding")!;
        Assert.Equal("Healthy", check["status"]!.GetValue<string>());
        Assert.Contains("all-MiniLM-L6-v2 loaded", check["description"]!.GetValue<string>());
    }

    private static JsonObject Anomaly(string metric, string severity, JsonObject cohort, JsonObject evidence)
    {
        var body = AnomaliesApiTests.ValidAnomaly(severity: severity);
        body["metric"] = metric;
        body["cohort"] = cohort;
        body["evidence"] = evidence;
        return body;
    }

    private async Task<string> CreateAnomalyAsync(JsonObject body)
        => (await (await _client.PostAsJsonAsync("/anomalies", body, Ct)).AssertJsonAsync(HttpStatusCode.Created))["anomaly_id"]!.GetValue<string>();

    private async Task<string> CreateInvestigationAsync(string name, string summary)
    {
        var body = new { settings = new { name }, results = new { summary } };
        return (await (await _client.PostAsJsonAsync("/investigations", body, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
    }

    private async Task<JsonObject> SemanticAsync(string q)
        => await (await _client.GetAsync($"/investigations/search?mode=semantic&min_similarity=-1&q={Uri.EscapeDataString(q)}", Ct))
            .AssertJsonAsync(HttpStatusCode.OK);

    private static List<string> Ids(JsonObject page)
        => page["investigations"]!.AsArray().Select(i => i!["investigation_id"]!.GetValue<string>()).ToList();

    private async Task EventuallyEmbeddedAsync(string path)
        => await EventuallyAsync(
            async () => await (await _client.GetAsync(path, Ct)).AssertJsonAsync(HttpStatusCode.OK),
            a => a["has_embedding"]!.GetValue<bool>());

    /// <summary>Polls (at most 60 s: the model shares the machine with the rest of the suite) until the background worker has done its part; fails otherwise.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var answer = await probe();
        while (!ready(answer))
        {
            Assert.True(DateTime.UtcNow < deadline, "The embedding worker did not catch up within 60 s.");
            await Task.Delay(100, Ct);
            answer = await probe();
        }
        return answer;
    }
}
