using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// Issue #10, item 1 beyond investigations: the free-form JSON objects of the other resources come back exactly as
/// sent, members the server does not know included (Decision 12).
/// </summary>
public sealed class FreeFormObjectsRoundTripTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly HttpClient _client = fixture.Factory.CreateClient($"t-{Guid.NewGuid():N}", "u1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JsonObject Odd = JsonNode.Parse("""
        {"camelCase": 1, "snake_case": 2.50, "nested": {"deep": [1, "two", null, true, {"x": []}]}, "naive_date": "2026-01-01T00:00:00", "empty": {}}
        """)!.AsObject();

    private static JsonObject OddCopy() => Odd.DeepClone().AsObject();

    private static void AssertSameJson(JsonNode? expected, JsonNode? actual)
        => Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected?.ToJsonString()}\nbut got {actual?.ToJsonString()}");

    [Fact]
    public async Task Anomaly_cohort_and_evidence_round_trip()
    {
        var body = AnomaliesApiTests.ValidAnomaly();
        body["cohort"] = OddCopy();
        body["evidence"] = OddCopy();
        var created = await (await _client.PostAsJsonAsync("/anomalies", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var got = await (await _client.GetAsync($"/anomalies/{created["anomaly_id"]}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertSameJson(Odd, got["cohort"]);
        AssertSameJson(Odd, got["evidence"]);
    }

    [Fact]
    public async Task Template_settings_and_default_params_round_trip()
    {
        var body = new JsonObject
        {
            ["name"] = $"tpl-{Guid.NewGuid():N}",
            ["template"] = new JsonObject { ["settings"] = OddCopy(), ["default_params"] = OddCopy() },
        };
        var created = await (await _client.PostAsJsonAsync("/templates", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var got = await (await _client.GetAsync($"/templates/{created["template_id"]}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertSameJson(Odd, got["template"]!["settings"]);
        AssertSameJson(Odd, got["template"]!["default_params"]);
    }

    [Fact]
    public async Task Detector_cohort_by_metrics_and_params_round_trip_with_members_the_server_does_not_know()
    {
        var body = new JsonObject
        {
            ["name"] = "velocity",
            ["type"] = "cusum",
            ["cohort_by"] = new JsonObject { ["dimensions"] = new JsonArray("merchant"), ["filters"] = OddCopy(), ["min_size"] = 30 },
            ["metrics"] = new JsonObject { ["primary"] = "tx_count", ["unit"] = "USD" },
            ["params"] = new JsonObject { ["sensitivity"] = 0.5, ["k"] = 3, ["algorithm_specific"] = OddCopy(), ["custom"] = OddCopy() },
        };
        var created = await (await _client.PostAsJsonAsync("/detectors", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var id = created["detector_id"]!.GetValue<string>();
        var got = await (await _client.GetAsync($"/detectors/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        foreach (var member in new[] { "cohort_by", "metrics", "params" }) AssertSameJson(body[member], got[member]);

        var patch = new JsonObject { ["params"] = new JsonObject { ["window_size"] = 12, ["seasonality"] = "weekly" } };
        var patched = await (await _client.PatchAsync($"/detectors/{id}", HttpAssertions.RawJson(patch.ToJsonString()), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertSameJson(patch["params"], patched["params"]);
        AssertSameJson(body["metrics"], patched["metrics"]);
    }
}
