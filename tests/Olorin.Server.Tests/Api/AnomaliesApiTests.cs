using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class AnomaliesApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    public const int Dimension = 384;

    private readonly HttpClient _client = fixture.Factory.CreateClient($"tenant-{Guid.NewGuid():N}", "alice");
    private readonly HttpClient _otherTenant = fixture.Factory.CreateClient($"other-{Guid.NewGuid():N}", "bob");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static JsonObject ValidAnomaly(string? id = null, double score = 3.5, string severity = "warn", float[]? embedding = null,
        string runId = "run-1", string detectorId = "det-1") => new()
    {
        ["anomaly_id"] = id,
        ["run_id"] = runId,
        ["detector_id"] = detectorId,
        ["cohort"] = new JsonObject { ["merchant"] = "m-42" },
        ["evidence"] = new JsonObject { ["z"] = 4.2 },
        ["window"] = new JsonObject { ["start"] = "2026-03-01T00:00:00Z", ["end"] = "2026-03-01T01:00:00Z", ["duration_minutes"] = 60 },
        ["metric"] = "tx_count",
        ["observed"] = 120.0,
        ["expected"] = 40.0,
        ["score"] = score,
        ["severity"] = severity,
        ["embedding"] = embedding is null ? null : new JsonArray(embedding.Select(v => (JsonNode?)v).ToArray()),
    };

    internal static float[] Vector(int seed)
    {
        var random = new Random(seed);
        var vector = new float[Dimension];
        for (var i = 0; i < Dimension; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        return vector;
    }

    private async Task<string> CreateAsync(HttpClient client, JsonObject body)
        => (await (await client.PostAsJsonAsync("/anomalies", body, Ct)).AssertJsonAsync(HttpStatusCode.Created))["anomaly_id"]!.GetValue<string>();

    private async Task<string> CreateInvestigationAsync(HttpClient client)
        => (await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();

    [Fact]
    public async Task Create_returns_201_without_tenant_and_without_embedding_unless_asked()
    {
        var embedding = Vector(1);
        var response = await _client.PostAsJsonAsync("/anomalies", ValidAnomaly(embedding: embedding), Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = body["anomaly_id"]!.GetValue<string>();
        Assert.Equal($"/anomalies/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("new", body["status"]!.GetValue<string>());
        Assert.Equal("warn", body["severity"]!.GetValue<string>());
        Assert.Equal(1, body["persisted_n"]!.GetValue<int>());
        Assert.True(body["has_embedding"]!.GetValue<bool>());
        Assert.False(body.ContainsKey("embedding"));
        Assert.False(body.ContainsKey("tenant_id"));

        var plain = await (await _client.GetAsync($"/anomalies/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(plain.ContainsKey("embedding"));
        Assert.Equal("m-42", plain["cohort"]!["merchant"]!.GetValue<string>());

        var full = await (await _client.GetAsync($"/anomalies/{id}?include_embedding=true", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(embedding, full["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
    }

    [Fact]
    public async Task The_list_says_which_anomalies_have_an_embedding_and_sends_it_only_when_asked()
    {
        var run = $"run-{Guid.NewGuid():N}";
        var embedding = Vector(2);
        var with = await CreateAsync(_client, ValidAnomaly(score: 9, embedding: embedding, runId: run));
        var without = await CreateAsync(_client, ValidAnomaly(score: 1, runId: run));

        var plain = await (await _client.GetAsync($"/anomalies?run_id={run}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var full = await (await _client.GetAsync($"/anomalies?run_id={run}&include_embedding=true", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var listed = plain["anomalies"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.Equal([with, without], listed.Select(a => a["anomaly_id"]!.GetValue<string>()));
        Assert.All(listed, a => Assert.False(a.ContainsKey("embedding")));
        Assert.Equal([true, false], listed.Select(a => a["has_embedding"]!.GetValue<bool>()));
        Assert.Equal("m-42", listed[0]["cohort"]!["merchant"]!.GetValue<string>());
        var whole = full["anomalies"]!.AsArray();
        Assert.Equal(embedding, whole[0]!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
        Assert.True(whole[0]!["has_embedding"]!.GetValue<bool>());
        Assert.False(whole[1]!.AsObject().ContainsKey("embedding"));
    }

    [Fact]
    public async Task Duplicate_id_is_409()
    {
        var id = $"an-{Guid.NewGuid():N}";
        await CreateAsync(_client, ValidAnomaly(id));

        await (await _client.PostAsJsonAsync("/anomalies", ValidAnomaly(id), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("severity", "\"urgent\"")]
    [InlineData("score", "-0.5")]
    [InlineData("metric", "\"\"")]
    [InlineData("run_id", "null")]
    [InlineData("window", "{\"start\": \"2026-03-01T02:00:00Z\", \"end\": \"2026-03-01T01:00:00Z\"}")]
    [InlineData("persisted_n", "0")]
    public async Task Invalid_create_is_400(string field, string json)
    {
        var body = ValidAnomaly();
        body[field] = JsonNode.Parse(json);

        var problem = await (await _client.PostAsync("/anomalies", HttpAssertions.RawJson(body.ToJsonString()), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ToJsonString());
    }

    [Theory]
    [InlineData(383)]
    [InlineData(385)]
    public async Task Embedding_of_the_wrong_length_is_400(int length)
    {
        var problem = await (await _client.PostAsJsonAsync("/anomalies", ValidAnomaly(embedding: Vector(2).Concat(Vector(3)).Take(length).ToArray()), Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("384", problem["errors"]!["embedding"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Empty_embedding_is_accepted_and_zero_vector_is_not()
    {
        var id = await CreateAsync(_client, ValidAnomaly(embedding: []));
        var body = await (await _client.GetAsync($"/anomalies/{id}?include_embedding=true", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(body["has_embedding"]!.GetValue<bool>());

        await (await _client.PostAsJsonAsync("/anomalies", ValidAnomaly(embedding: new float[Dimension]), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Status_moves_forward_and_backwards_is_409()
    {
        var id = await CreateAsync(_client, ValidAnomaly());

        var triaged = await (await _client.PatchJsonAsync($"/anomalies/{id}", new { status = "triaged" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("triaged", triaged["status"]!.GetValue<string>());
        await (await _client.PatchJsonAsync($"/anomalies/{id}", new { status = "new" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        var closed = await (await _client.PatchJsonAsync($"/anomalies/{id}", new { status = "closed" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("closed", closed["status"]!.GetValue<string>());
        await (await _client.PatchJsonAsync($"/anomalies/{id}", new { status = "triaged" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        await (await _client.PatchJsonAsync($"/anomalies/{id}", new { }, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _client.PatchJsonAsync($"/anomalies/{id}", new { status = "archived" }, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Link_and_unlink_an_investigation_of_the_tenant()
    {
        var id = await CreateAsync(_client, ValidAnomaly());
        var investigationId = await CreateInvestigationAsync(_client);

        var linked = await (await _client.PutAsJsonAsync($"/anomalies/{id}/investigation", new { investigation_id = investigationId }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(investigationId, linked["investigation_id"]!.GetValue<string>());
        var byInvestigation = await (await _client.GetAsync($"/anomalies?investigation_id={investigationId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, byInvestigation["anomalies"]![0]!["anomaly_id"]!.GetValue<string>());

        var unlinked = await (await _client.DeleteAsync($"/anomalies/{id}/investigation", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Null(unlinked["investigation_id"]);
    }

    [Fact]
    public async Task Linking_to_an_unknown_or_foreign_investigation_is_400_and_to_an_unknown_anomaly_404()
    {
        var id = await CreateAsync(_client, ValidAnomaly());
        var foreignInvestigation = await CreateInvestigationAsync(_otherTenant);

        foreach (var investigationId in new[] { "no-such-investigation", foreignInvestigation })
        {
            var problem = await (await _client.PutAsJsonAsync($"/anomalies/{id}/investigation", new { investigation_id = investigationId }, Ct))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["investigation_id"]);
        }
        var mine = await CreateInvestigationAsync(_client);
        await (await _client.PutAsJsonAsync("/anomalies/no-such-anomaly/investigation", new { investigation_id = mine }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync("/anomalies/no-such-anomaly/investigation", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_tenants_anomaly_is_404_everywhere()
    {
        var id = await CreateAsync(_client, ValidAnomaly());
        var theirInvestigation = await CreateInvestigationAsync(_otherTenant);

        await (await _otherTenant.GetAsync($"/anomalies/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _otherTenant.PatchJsonAsync($"/anomalies/{id}", new { status = "closed" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _otherTenant.PutAsJsonAsync($"/anomalies/{id}/investigation", new { investigation_id = theirInvestigation }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _otherTenant.DeleteAsync($"/anomalies/{id}/investigation", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _otherTenant.DeleteAsync($"/anomalies/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        var mine = await (await _client.GetAsync($"/anomalies/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("new", mine["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_is_204_then_404()
    {
        var id = await CreateAsync(_client, ValidAnomaly());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/anomalies/{id}", Ct)).StatusCode);
        await (await _client.GetAsync($"/anomalies/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/anomalies/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_filters_and_orders_by_score()
    {
        await CreateAsync(_client, ValidAnomaly(score: 1, severity: "info", runId: "run-a"));
        await CreateAsync(_client, ValidAnomaly(score: 5, severity: "critical", runId: "run-a", detectorId: "det-2"));
        await CreateAsync(_client, ValidAnomaly(score: 3, severity: "critical", runId: "run-b"));
        await CreateAsync(_otherTenant, ValidAnomaly(score: 9, severity: "critical", runId: "run-a"));

        var critical = await (await _client.GetAsync("/anomalies?severity=critical", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { 5.0, 3.0 }, critical["anomalies"]!.AsArray().Select(a => a!["score"]!.GetValue<double>()));
        var runA = await (await _client.GetAsync("/anomalies?run_id=run-a&min_score=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, runA["totalCount"]!.GetValue<long>());
        var detector = await (await _client.GetAsync("/anomalies?detector_id=det-2&status=new", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(5.0, detector["anomalies"]![0]!["score"]!.GetValue<double>());
        var paged = await (await _client.GetAsync("/anomalies?page=2&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, paged["totalCount"]!.GetValue<long>());
        Assert.Equal(1.0, paged["anomalies"]![0]!["score"]!.GetValue<double>());
        Assert.True(paged["hasPreviousPage"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/anomalies?severity=urgent", "severity")]
    [InlineData("/anomalies?status=open", "status")]
    [InlineData("/anomalies?min_score=-1", "min_score")]
    [InlineData("/anomalies?page_size=0", "page_size")]
    public async Task Invalid_list_query_is_400(string url, string field)
    {
        var problem = await (await _client.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }
}
