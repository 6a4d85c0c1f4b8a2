using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// Issue #10, item 1 for the objects with a fixed shape: a detection run's <c>window</c> and <c>info</c>, an anomaly's
/// <c>window</c>, a template's <c>template</c>, a SOAR action and a transaction score's <c>score_components</c> keep
/// every member a client sends, known or not, and return it unchanged (Decision 12); the members the server
/// interprets are still validated.
/// </summary>
public sealed class FixedShapeObjectsRoundTripTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly HttpClient _client = fixture.Factory.CreateClient($"t-{Guid.NewGuid():N}", "u1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Members no model knows: an integer and a double of equal value (<c>5</c>, <c>5.0</c>), a decimal with a trailing
    /// zero, a 64-bit integer, a naive date string, null, and nested objects and arrays (one key per nested object,
    /// as jsonb orders keys itself).
    /// </summary>
    private const string UnknownJson = """
        "legacy_flag": true, "count": 5, "ratio": 5.0, "precise": 2.50, "big": 9000000000,
        "naive_date": "2026-01-01T00:00:00", "nothing": null, "nested": {"deep": [1, 2.5, "x", null, {"k": {}}]}
        """;

    private static JsonObject Unknown => JsonNode.Parse("{" + UnknownJson + "}")!.AsObject();

    /// <summary>Every unknown member is there with the JSON text it was sent with (number kinds and digits included).</summary>
    private static void AssertKept(JsonNode? returned, string where)
    {
        var obj = Assert.IsType<JsonObject>(returned);
        foreach (var (name, value) in Unknown)
        {
            Assert.True(obj.ContainsKey(name), $"{where} lost {name}: {obj.ToJsonString()}");
            Assert.Equal(value?.ToJsonString() ?? "null", obj[name]?.ToJsonString() ?? "null");
        }
    }

    private async Task<JsonObject> PostRawAsync(string url, string json, HttpStatusCode expected = HttpStatusCode.Created)
        => await (await _client.PostAsync(url, HttpAssertions.RawJson(json), Ct)).AssertJsonAsync(expected);

    private async Task<JsonObject> GetAsync(string url) => await (await _client.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task Detection_run_window_and_info_keep_unknown_members_through_create_status_and_complete()
    {
        var detectorId = (await (await _client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(type: "cusum"), Ct))
            .AssertJsonAsync(HttpStatusCode.Created))["detector_id"]!.GetValue<string>();

        var created = await PostRawAsync("/detection-runs", $$$"""
            {"detector_id": "{{{detectorId}}}",
             "window": {"from": "2026-03-01T00:00:00Z", "to": "2026-03-01T06:00:00Z", "duration_hours": 6, {{{UnknownJson}}}},
             "info": {"records_processed": 10, "additional_info": {"shard": 2}, {{{UnknownJson}}}}}
            """);
        var runId = created["run_id"]!.GetValue<string>();
        AssertKept(created["window"], "created window");
        AssertKept(created["info"], "created info");

        var got = await GetAsync($"/detection-runs/{runId}");
        AssertKept(got["window"], "window");
        AssertKept(got["info"], "info");
        Assert.Equal(new DateTime(2026, 3, 1, 6, 0, 0, DateTimeKind.Utc), got["window"]!["to"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(6, got["window"]!["duration_hours"]!.GetValue<double>());
        Assert.Equal(2, got["info"]!["additional_info"]!["shard"]!.GetValue<int>());
        var listed = await GetAsync($"/detection-runs?detector_id={detectorId}");
        AssertKept(listed["detection_runs"]![0]!["window"], "listed window");

        var running = await (await _client.PatchAsync($"/detection-runs/{runId}/status",
            HttpAssertions.RawJson($$$"""{"status": "running", "info": {"records_processed": 50, {{{UnknownJson}}}}}"""), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertKept(running["info"], "info after a status update");
        var done = await PostRawAsync($"/detection-runs/{runId}/complete",
            $$$"""{"status": "success", "info": {"anomalies_detected": 0, {{{UnknownJson}}}}}""", HttpStatusCode.OK);
        AssertKept(done["info"], "info after complete");
        AssertKept((await GetAsync($"/detection-runs/{runId}"))["info"], "stored info after complete");
    }

    [Fact]
    public async Task Detection_run_window_is_still_validated_with_unknown_members_beside_it()
    {
        var detectorId = (await (await _client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(type: "cusum"), Ct))
            .AssertJsonAsync(HttpStatusCode.Created))["detector_id"]!.GetValue<string>();

        var problem = await (await _client.PostAsync("/detection-runs", HttpAssertions.RawJson($$$"""
            {"detector_id": "{{{detectorId}}}", "window": {"from": "2026-03-01T06:00:00Z", "to": "2026-03-01T00:00:00Z", {{{UnknownJson}}}}}
            """), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["window.to"]);

        var wrongType = await (await _client.PostAsync("/detection-runs", HttpAssertions.RawJson($$$"""
            {"detector_id": "{{{detectorId}}}", "window": {"from": "2026-03-01T00:00:00Z", "to": "2026-03-01T06:00:00Z", "duration_hours": "six", {{{UnknownJson}}}}}
            """), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("window.duration_hours", wrongType.ToJsonString());
    }

    [Fact]
    public async Task Anomaly_window_keeps_unknown_members_and_is_still_validated()
    {
        var body = AnomaliesApiTests.ValidAnomaly();
        body["window"] = JsonNode.Parse($$$"""{"start": "2026-03-01T00:00:00Z", "end": "2026-03-01T01:00:00Z", "duration_minutes": 60, {{{UnknownJson}}}}""");
        var created = await PostRawAsync("/anomalies", body.ToJsonString());
        AssertKept(created["window"], "created window");

        var got = await GetAsync($"/anomalies/{created["anomaly_id"]}");
        AssertKept(got["window"], "window");
        Assert.Equal(new DateTime(2026, 3, 1, 1, 0, 0, DateTimeKind.Utc), got["window"]!["end"]!.GetValue<DateTime>().ToUniversalTime());

        var backwards = AnomaliesApiTests.ValidAnomaly();
        backwards["window"] = JsonNode.Parse($$$"""{"start": "2026-03-01T01:00:00Z", "end": "2026-03-01T00:00:00Z", {{{UnknownJson}}}}""");
        var problem = await (await _client.PostAsync("/anomalies", HttpAssertions.RawJson(backwards.ToJsonString()), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["window.end"]);
    }

    [Fact]
    public async Task Template_body_keeps_unknown_members_through_create_and_update()
    {
        var created = await PostRawAsync("/templates", $$$"""
            {"name": "tpl-{{{Guid.NewGuid():N}}}", "template": {"entity_type": "email", "settings": {"a": 1}, "agents": ["device"], {{{UnknownJson}}}}}
            """);
        var id = created["template_id"]!.GetValue<string>();
        AssertKept(created["template"], "created template");
        var got = await GetAsync($"/templates/{id}");
        AssertKept(got["template"], "template");
        Assert.Equal("email", got["template"]!["entity_type"]!.GetValue<string>());
        Assert.Equal(["device"], got["template"]!["agents"]!.AsArray().Select(a => a!.GetValue<string>()));

        var patched = await (await _client.PatchAsync($"/templates/{id}",
            HttpAssertions.RawJson($$$"""{"template": {"entity_type": "ip", {{{UnknownJson}}}, "added": {"x": 1.0} } }"""), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertKept(patched["template"], "updated template");
        var afterPatch = await GetAsync($"/templates/{id}");
        AssertKept(afterPatch["template"], "stored updated template");
        Assert.Equal("""{"x":1.0}""", afterPatch["template"]!["added"]!.ToJsonString());
    }

    [Fact]
    public async Task Soar_action_keeps_unknown_members()
    {
        var started = await PostRawAsync("/soar/executions", """{"playbook_id": "pb-1"}""");
        var id = started["execution_id"]!.GetValue<string>();

        var appended = await PostRawAsync($"/soar/executions/{id}/actions", $$$"""
            {"action_id": "a1", "action_type": "block_card", "status": "success", "result": {"blocked": true}, {{{UnknownJson}}}}
            """, HttpStatusCode.OK);
        AssertKept(appended["actions_executed"]![0], "appended action");

        var got = await GetAsync($"/soar/executions/{id}");
        var action = got["actions_executed"]![0]!;
        AssertKept(action, "stored action");
        Assert.Equal("a1", action["action_id"]!.GetValue<string>());
        Assert.True(action["result"]!["blocked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Score_components_keep_unknown_members_and_are_still_validated()
    {
        var investigation = (await (await _client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();

        var inserted = await _client.PostAsync($"/investigations/{investigation}/transaction-scores", HttpAssertions.RawJson($$$"""
            {"scores": [{"transaction_id": "tx-1", "risk_score": 0.5, "score_components": {"device_risk": 0.25, {{{UnknownJson}}}}}]}
            """), Ct);
        Assert.True(inserted.IsSuccessStatusCode, await inserted.Content.ReadAsStringAsync(Ct));

        var list = await GetAsync($"/investigations/{investigation}/transaction-scores");
        var components = list["transaction_scores"]![0]!["score_components"];
        AssertKept(components, "score_components");
        Assert.Equal(0.25, components!["device_risk"]!.GetValue<double>());

        var problem = await (await _client.PostAsync($"/investigations/{investigation}/transaction-scores", HttpAssertions.RawJson($$$"""
            {"scores": [{"transaction_id": "tx-2", "risk_score": 0.5, "score_components": {"device_risk": 1.5, {{{UnknownJson}}}}}]}
            """), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["scores[0].score_components.device_risk"]);
    }
}
