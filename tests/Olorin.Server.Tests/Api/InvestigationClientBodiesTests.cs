using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// Issue #10, items 1–3: what the existing frontend and operator scripts send is kept and returned as sent
/// (Decision 12), If-Match as they send it, and the history/delta/version routes they read.
/// </summary>
public sealed class InvestigationClientBodiesTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private const string User = "u1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null) => fixture.Factory.CreateClient(tenant ?? _tenant, User);

    private static string NewId() => "inv-" + Guid.NewGuid().ToString("N");

    /// <summary>The web frontend's structured-investigation create body: tools by tool_id, time range {start, end}.</summary>
    private static string FrontendBody(string id) => $$$"""
        {"investigation_id": "{{{id}}}", "lifecycle_stage": "CREATED", "status": "CREATED",
         "settings": {"name": "Structured investigation", "investigation_type": "structured", "investigation_mode": "entity",
           "entities": [{"entity_type": "email", "entity_value": "fraud@example.com"}],
           "time_range": {"start": "2026-01-01T00:00:00.000Z", "end": "2026-01-08T00:00:00.000Z"},
           "tools": [{"tool_id": "device_analysis", "enabled": true, "config": {}}, {"tool_id": "network_analysis"}],
           "correlation_mode": "OR", "auto_select_entities": false,
           "frontendOnly": {"layout": "grid", "panels": [1, 2.50, "x", null, true] } } }
        """;

    /// <summary>An operator script's body: naive datetimes in {start_time, end_time}.</summary>
    private static string ScriptBody(string id) => $$$"""
        {"investigation_id": "{{{id}}}",
         "settings": {"entity_type": "user_id", "entity_value": "u-42",
           "time_range": {"start_time": "2026-01-01T00:00:00", "end_time": "2026-01-01T06:00:00", "duration_hours": 6, "type": "custom"},
           "agents_selected": ["device", "location"] } }
        """;

    private async Task<JsonObject> CreateAsync(HttpClient client, string body, string prefix = "/investigations")
        => await (await client.PostAsync(prefix + "/", HttpAssertions.RawJson(body), Ct)).AssertJsonAsync(HttpStatusCode.Created);

    private static void AssertSameJson(JsonNode? expected, JsonNode? actual)
        => Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected?.ToJsonString()}\nbut got {actual?.ToJsonString()}");

    [Fact]
    public async Task The_frontends_create_body_round_trips_exactly_through_create_get_list_and_delete()
    {
        var id = NewId();
        var sent = JsonNode.Parse(FrontendBody(id))!;
        var client = Client();

        var created = await CreateAsync(client, FrontendBody(id), "/api/v1/investigation-state");
        AssertSameJson(sent["settings"], created["settings"]);

        var got = await (await client.GetAsync($"/api/v1/investigation-state/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertSameJson(sent["settings"], got["settings"]);

        var listed = await (await client.GetAsync($"/api/v1/investigation-state/?status=CREATED&search={id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertSameJson(sent["settings"], Assert.Single(listed["investigations"]!.AsArray())!["settings"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/investigation-state/{id}", Ct)).StatusCode);
        await (await client.GetAsync($"/api/v1/investigation-state/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_scripts_naive_time_range_round_trips_as_sent_and_is_polled()
    {
        var id = NewId();
        var client = Client();
        var created = await CreateAsync(client, ScriptBody(id));
        AssertSameJson(JsonNode.Parse(ScriptBody(id))!["settings"], created["settings"]);
        Assert.Equal("2026-01-01T00:00:00", created["settings"]!["time_range"]!["start_time"]!.GetValue<string>());

        var polled = await (await client.GetAsync($"/api/v1/polling/investigation-state/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        AssertSameJson(JsonNode.Parse(ScriptBody(id))!["settings"], polled["state_data"]!["settings"]);
    }

    [Fact]
    public async Task Every_free_form_object_keeps_members_the_server_does_not_know()
    {
        var id = NewId();
        var client = Client();
        var body = JsonNode.Parse($$$"""
            {"investigation_id": "{{{id}}}", "settings": {"brand_new_setting": {"deep": [{"x": 1}]}},
             "progress": {"current_phase": "init", "progress_percentage": 12.5, "tools_executed": ["a"], "phase_progress": {"init": 1}},
             "results": {"risk_score": 0.25, "summary": "s", "overall_risk_score": 0.25, "domain_findings": {"device": {"risk": 0.1} } },
             "metadata": {"source": "SCRIPT", "tags": ["t"], "team": "risk-ops"}}
            """)!.AsObject();
        var created = await CreateAsync(client, body.ToJsonString());
        foreach (var member in new[] { "settings", "progress", "results", "metadata" }) AssertSameJson(body[member], created[member]);

        var patch = JsonNode.Parse("""
            {"version": 1, "progress": {"percent_complete": 50, "estimated_completion": "2026-01-01T10:00:00", "custom": null},
             "results": {"findings": [{"weird": {"nested": [[1], [2]]}}]}, "metadata": {"only": "this"}}
            """)!.AsObject();
        var updated = await (await client.PatchAsync($"/investigations/{id}", HttpAssertions.RawJson(patch.ToJsonString()), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        foreach (var member in new[] { "progress", "results", "metadata" }) AssertSameJson(patch[member], updated[member]);
        AssertSameJson(body["settings"], updated["settings"]);

        var got = await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        foreach (var member in new[] { "progress", "results", "metadata" }) AssertSameJson(patch[member], got[member]);
    }

    [Fact]
    public async Task A_create_without_metadata_gets_the_default_metadata()
    {
        var created = await CreateAsync(Client(), $$$"""{"investigation_id": "{{{NewId()}}}"}""");
        AssertSameJson(JsonNode.Parse("""{"source": "USER", "priority": null, "tags": [], "custom_fields": {}}"""), created["metadata"]);
    }

    [Theory]
    [InlineData("""{"time_range": {"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}}""", "settings.time_range.end")]
    [InlineData("""{"time_range": {"start_time": "2026-01-01T06:00:00", "end_time": "2026-01-01T05:00:00"}}""", "settings.time_range.end_time")]
    [InlineData("""{"time_range": {"start_time": "not a date"}}""", "settings.time_range.start_time")]
    [InlineData("""{"tools": [{"enabled": true}]}""", "settings.tools[0].tool_id")]
    [InlineData("""{"tools": [{"tool_id": 7}]}""", "settings.tools[0].tool_id")]
    [InlineData("""{"entities": [{"entity_type": "planet", "entity_value": "x"}]}""", "settings.entities[0].entity_type")]
    public async Task What_the_server_interprets_is_validated_with_a_400_naming_the_field(string settings, string field)
    {
        var response = await Client().PostAsync("/investigations/", HttpAssertions.RawJson($$$"""{"settings": {{{settings}}} }"""), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Theory]
    [InlineData("3")]
    [InlineData("\"3\"")]
    public async Task If_Match_takes_a_plain_version_as_the_clients_send_it(string ifMatch)
    {
        var client = Client();
        var id = (await CreateAsync(client, $$$"""{"investigation_id": "{{{NewId()}}}"}"""))["investigation_id"]!.GetValue<string>();
        for (var version = 1; version <= 2; version++)
            await (await client.PatchJsonAsync($"/investigations/{id}", new { version, status = "SETTINGS" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/investigation-state/{id}") { Content = HttpAssertions.RawJson("""{"status": "IN_PROGRESS"}""") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var updated = await (await client.SendAsync(request, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(4, updated["version"]!.GetValue<int>());

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/investigations/{id}") { Content = HttpAssertions.RawJson("""{"status": "COMPLETED"}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var problem = await (await client.SendAsync(stale, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(4, problem["current_version"]!.GetValue<int>());
        Assert.Equal(3, problem["submitted_version"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("W/\"x-1\"")]
    [InlineData("0")]
    public async Task An_If_Match_naming_no_version_is_a_400(string ifMatch)
    {
        var client = Client();
        var id = (await CreateAsync(client, $$$"""{"investigation_id": "{{{NewId()}}}"}"""))["investigation_id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/investigations/{id}") { Content = HttpAssertions.RawJson("{}") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var problem = await (await client.SendAsync(request, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("If-Match"));
    }

    [Theory]
    [InlineData("/investigations")]
    [InlineData("/api/v1/investigation-state")]
    public async Task Changes_after_three_updates_come_in_order_from_the_audit_trail(string prefix)
    {
        var client = Client();
        var id = (await CreateAsync(client, $$$"""{"investigation_id": "{{{NewId()}}}"}""", prefix))["investigation_id"]!.GetValue<string>();
        string[] phases = ["device", "network", "report"];
        for (var i = 0; i < phases.Length; i++)
            await (await client.PatchJsonAsync($"{prefix}/{id}", new { version = i + 1, progress = new { current_phase = phases[i] } }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var all = await (await client.GetAsync($"{prefix}/{id}/changes?since_version=0", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["CREATE", "UPDATE", "UPDATE", "UPDATE"], all["changes"]!.AsArray().Select(c => c!["action_type"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3, 4], all["changes"]!.AsArray().Select(c => c!["version"]!.GetValue<int>()));
        Assert.Equal(4, all["current_version"]!.GetValue<int>());
        Assert.False(all.ContainsKey("snapshot"));

        var delta = await (await client.GetAsync($"{prefix}/{id}/changes?since_version=2&include_snapshot=true", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var changes = delta["changes"]!.AsArray();
        Assert.True(delta["has_changes"]!.GetValue<bool>());
        Assert.Equal([3, 4], changes.Select(c => c!["version"]!.GetValue<int>()));
        Assert.Equal("network", changes[0]!["after"]!["progress"]!["current_phase"]!.GetValue<string>());
        Assert.Equal(["progress"], changes[1]!["fields_modified"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(4, delta["snapshot"]!["version"]!.GetValue<int>());
        Assert.Equal("report", delta["snapshot"]!["progress"]!["current_phase"]!.GetValue<string>());

        var none = await (await client.GetAsync($"{prefix}/{id}/changes?since_version=4", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(none["has_changes"]!.GetValue<bool>());
        Assert.Empty(none["changes"]!.AsArray());
    }

    [Fact]
    public async Task Audit_is_the_history_newest_first_and_version_names_the_etag()
    {
        var client = Client();
        var id = (await CreateAsync(client, $$$"""{"investigation_id": "{{{NewId()}}}"}"""))["investigation_id"]!.GetValue<string>();
        var patched = await client.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "IN_PROGRESS" }, Ct);
        await patched.AssertJsonAsync(HttpStatusCode.OK);

        var audit = await (await client.GetAsync($"/api/v1/investigation-state/{id}/audit", Ct)).Content.ReadFromJsonAsync<JsonArray>(Ct);
        Assert.Equal(["UPDATE", "CREATE"], audit!.Select(e => e!["action_type"]!.GetValue<string>()));
        var page = await (await client.GetAsync($"/investigations/{id}/audit?limit=1&offset=1", Ct)).Content.ReadFromJsonAsync<JsonArray>(Ct);
        Assert.Equal("CREATE", Assert.Single(page!)!["action_type"]!.GetValue<string>());

        var version = await (await client.GetAsync($"/api/v1/investigation-state/{id}/version", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, version["investigation_id"]!.GetValue<string>());
        Assert.Equal(2, version["version"]!.GetValue<int>());
        Assert.Equal(patched.Headers.ETag!.ToString(), version["etag"]!.GetValue<string>());
        Assert.NotNull(version["updated_at"]);
    }

    [Theory]
    [InlineData("/changes?since_version=abc", HttpStatusCode.BadRequest)]
    [InlineData("/changes?since_version=-1", HttpStatusCode.BadRequest)]
    [InlineData("/changes?since_version=99999999999999999999", HttpStatusCode.BadRequest)]
    [InlineData("/changes", HttpStatusCode.BadRequest)]
    [InlineData("/changes?since_version=0&include_snapshot=maybe", HttpStatusCode.BadRequest)]
    [InlineData("/audit?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/audit?offset=x", HttpStatusCode.BadRequest)]
    public async Task Malformed_queries_are_a_400_naming_the_field(string route, HttpStatusCode status)
    {
        var client = Client();
        var id = (await CreateAsync(client, $$$"""{"investigation_id": "{{{NewId()}}}"}"""))["investigation_id"]!.GetValue<string>();
        var problem = await (await client.GetAsync($"/investigations/{id}{route}", Ct)).AssertProblemAsync(status);
        Assert.NotEmpty(problem["errors"]!.AsObject());
    }

    [Theory]
    [InlineData("/changes?since_version=0")]
    [InlineData("/audit")]
    [InlineData("/version")]
    [InlineData("/events")]
    public async Task Another_tenants_or_an_unknown_investigation_is_a_404(string route)
    {
        var id = (await CreateAsync(Client(), $$$"""{"investigation_id": "{{{NewId()}}}"}"""))["investigation_id"]!.GetValue<string>();
        await (await Client($"other-{Guid.NewGuid():N}").GetAsync($"/investigations/{id}{route}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client().GetAsync($"/api/v1/investigation-state/{NewId()}{route}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
