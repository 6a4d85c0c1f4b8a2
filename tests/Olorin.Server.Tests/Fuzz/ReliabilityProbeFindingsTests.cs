using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Fuzz;

/// <summary>
/// The reproducers of the reliability probe's findings (F1–F17), each now a clean 4xx ProblemDetails naming the
/// client's field (or the correct 2xx), with the tenant's lists still answering afterwards. F3 and F5 are races:
/// see <see cref="ConcurrencyInvariantTests"/>; F6 also <see cref="TenantIsolationFuzzTests"/>.
/// </summary>
public sealed class ReliabilityProbeFindingsTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null, string user = "alice") => fixture.Factory.CreateClient(tenant ?? $"probe-{Guid.NewGuid():N}", user);

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static async Task<string> RefusedFieldAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(FuzzHarness.NamesInternals(problem.ToJsonString()), problem.ToJsonString());
        return Assert.Single(problem["errors"]!.AsObject()).Key;
    }

    private static async Task AssertListsWorkAsync(HttpClient client, params string[] lists)
    {
        foreach (var list in lists)
        {
            var response = await client.GetAsync(list, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{list}: {(int)response.StatusCode} {text}");
            Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(text));
        }
    }

    [Fact]
    public async Task F1_a_free_form_object_nested_too_deep_is_refused_naming_it_and_32_levels_stay_readable_everywhere()
    {
        var client = Client();
        var poison = await client.PostAsync("/investigations/", HttpAssertions.RawJson($"{{\"settings\":{{\"additional_config\":{Nested(61)}}}}}"), Ct);
        Assert.Equal("settings.additional_config", await RefusedFieldAsync(poison));

        var deep = await (await client.PostAsync("/investigations/", HttpAssertions.RawJson($"{{\"settings\":{{\"name\":\"deep\",\"additional_config\":{Nested(32)}}}}}"), Ct))
            .AssertJsonAsync(HttpStatusCode.Created);
        var id = (string)deep["investigation_id"]!;
        await AssertListsWorkAsync(client, "/investigations/", "/api/v1/investigation-state/", "/investigations/search?q=deep", $"/investigations/{id}/history");
        await (await client.DeleteAsync($"/investigations/{id}", Ct)).AssertNoContentAsync();

        foreach (var (url, body, field) in new[]
        {
            ("/templates/", $"{{\"name\":\"t\",\"template\":{{\"settings\":{Nested(62)}}}}}", "template.settings"),
            ("/detectors/", $"{{\"name\":\"d\",\"type\":\"cusum\",\"metrics\":{{\"primary\":\"m\"}},\"params\":{{\"algorithm_specific\":{Nested(62)}}}}}", "params.algorithm_specific"),
            ("/anomalies/", $"{{\"run_id\":\"r\",\"detector_id\":\"d\",\"evidence\":{Nested(63)}}}", "evidence"),
        })
            Assert.Equal(field, await RefusedFieldAsync(await client.PostAsync(url, HttpAssertions.RawJson(body), Ct)));
        await AssertListsWorkAsync(client, "/templates/", "/detectors/", "/anomalies/");
    }

    [Fact]
    public async Task F2_an_over_deep_SOAR_action_is_refused_before_anything_is_stored()
    {
        var client = Client();
        var execution = (string)(await (await client.PostAsJsonAsync("/soar/executions/", new { playbook_id = "p" }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["execution_id"]!;

        var append = await client.PostAsync($"/soar/executions/{execution}/actions",
            HttpAssertions.RawJson($"{{\"action_id\":\"a\",\"action_type\":\"t\",\"status\":\"ok\",\"result\":{Nested(63)}}}"), Ct);
        Assert.Equal("result", await RefusedFieldAsync(append));

        var stored = await (await client.GetAsync($"/soar/executions/{execution}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Empty(stored["actions_executed"]!.AsArray());
        await (await client.PostAsJsonAsync($"/soar/executions/{execution}/complete", new { }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await AssertListsWorkAsync(client, "/soar/executions/");
    }

    [Fact]
    public async Task F4_a_NUL_in_a_body_string_member_name_or_query_value_is_a_400_naming_it()
    {
        var client = Client();
        Assert.Equal("settings.name", await RefusedFieldAsync(await client.PostAsync("/investigations/", HttpAssertions.RawJson("{\"settings\":{\"name\":\"a\\u0000b\"}}"), Ct)));
        Assert.Equal("cohort_by.filters", await RefusedFieldAsync(await client.PostAsync("/detectors/",
            HttpAssertions.RawJson("{\"name\":\"d\",\"type\":\"cusum\",\"metrics\":{\"primary\":\"m\"},\"cohort_by\":{\"filters\":{\"a\\u0000b\":1}}}"), Ct)));
        Assert.Equal("search", await RefusedFieldAsync(await client.GetAsync("/investigations/?search=a%00b", Ct)));
        Assert.Equal("run_id", await RefusedFieldAsync(await client.GetAsync("/anomalies/?run_id=%FF%FE", Ct)));
        await AssertListsWorkAsync(client, "/investigations/", "/detectors/");
    }

    [Fact]
    public async Task F6_another_tenant_may_create_an_investigation_under_an_id_the_first_uses()
    {
        var a = Client();
        var b = Client();
        await (await a.PostAsJsonAsync("/investigations/", new { investigation_id = "inv-42", settings = new { name = "A's" } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await (await b.PostAsJsonAsync("/investigations/", new { investigation_id = "inv-42", settings = new { name = "B's" } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await (await a.PostAsJsonAsync("/investigations/", new { investigation_id = "inv-42" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("A's", (string?)(await (await a.GetAsync("/investigations/inv-42", Ct)).AssertJsonAsync(HttpStatusCode.OK))["settings"]!["name"]);
        Assert.Equal("B's", (string?)(await (await b.GetAsync("/investigations/inv-42", Ct)).AssertJsonAsync(HttpStatusCode.OK))["settings"]!["name"]);
        await (await b.DeleteAsync("/investigations/inv-42", Ct)).AssertNoContentAsync();
        await (await a.GetAsync("/investigations/inv-42", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/templates/?page=2147483647&page_size=100")]
    [InlineData("/investigations/?page=2147483647")]
    [InlineData("/detection-runs/?page=100001")]
    public async Task F7_a_page_whose_offset_would_overflow_is_a_400_naming_page(string url)
        => Assert.Equal("page", await RefusedFieldAsync(await Client().GetAsync(url, Ct)));

    [Fact]
    public async Task F8_searchable_text_beyond_the_tsvector_limit_is_stored_and_indexed_up_to_the_limit()
    {
        var client = Client();
        var random = new Random(8);
        string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => "w" + new string(Enumerable.Range(0, 9).Select(_ => (char)('a' + random.Next(26))).ToArray())));
        var findings = new JsonArray(Enumerable.Range(0, 9).Select(_ => (JsonNode?)new JsonObject { ["text"] = Words(9_000) }).ToArray());
        var body = new JsonObject { ["settings"] = new JsonObject { ["name"] = "needle" }, ["results"] = new JsonObject { ["summary"] = Words(9_000), ["findings"] = findings } };

        await (await client.PostAsJsonAsync("/investigations/", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var hits = await (await client.GetAsync("/investigations/search?q=needle", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (long?)hits["totalCount"]);
    }

    [Fact]
    public async Task F10_a_reference_to_another_tenants_document_is_a_400_naming_the_field()
    {
        var a = Client();
        var b = Client();
        var investigation = (string)(await (await a.PostAsJsonAsync("/investigations/", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!;
        var connection = (string)(await (await a.PostAsJsonAsync("/composio/connections/", new { toolkit_name = "slack", composio_connection_id = "ca", access_token = "t" }, Ct))
            .AssertJsonAsync(HttpStatusCode.Created))["connection_id"]!;

        Assert.Equal("investigation_id", await RefusedFieldAsync(await b.PostAsJsonAsync("/soar/executions/", new { playbook_id = "p", investigation_id = investigation }, Ct)));
        Assert.Equal("connection_id", await RefusedFieldAsync(await b.PostAsJsonAsync("/composio/action-audits/",
            new { action_id = "x", toolkit_name = "slack", action_name = "SEND", connection_id = connection, status = "failed" }, Ct)));
        var anomaly = Api.AnomaliesApiTests.ValidAnomaly();
        anomaly["investigation_id"] = investigation;
        Assert.Equal("investigation_id", await RefusedFieldAsync(await b.PostAsJsonAsync("/anomalies/", anomaly, Ct)));
        await AssertListsWorkAsync(a, "/soar/executions/", "/composio/action-audits/", "/anomalies/");
    }

    [Fact]
    public async Task F11_strings_over_their_limit_are_a_400_naming_the_field()
    {
        var client = Client();
        Assert.Equal("metric", await RefusedFieldAsync(await client.PostAsJsonAsync("/anomalies/", new { run_id = "r", detector_id = "d", metric = new string('m', 100_000) }, Ct)));
        Assert.Equal("access_token", await RefusedFieldAsync(await client.PostAsJsonAsync("/composio/connections/",
            new { toolkit_name = "slack", composio_connection_id = "ca", access_token = new string('t', 5 << 20) }, Ct)));
        Assert.Equal("settings.entity_value", await RefusedFieldAsync(await client.PostAsJsonAsync("/investigations/", new { settings = new { entity_value = new string('e', 100_000) } }, Ct)));
        Assert.Equal("run_id", await RefusedFieldAsync(await client.PostAsJsonAsync("/anomalies/", new { run_id = new string('r', 256), detector_id = "d" }, Ct)));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"settings\":[1]}")]
    [InlineData("{\"settings\":{\"name\":5}}")]
    [InlineData("{\"metadata\":{\"tags\":\"x\"}}")]
    public async Task F12_a_400_names_the_clients_field_never_a_server_type(string body)
    {
        var response = await Client().PostAsync("/investigations/", HttpAssertions.RawJson(body), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(FuzzHarness.NamesInternals(problem.ToJsonString()), problem.ToJsonString());
    }

    [Fact]
    public async Task F12_a_bad_query_value_names_the_snake_case_parameter()
    {
        var problem = await (await Client().GetAsync("/investigations/?page_size=abc", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        var text = problem.ToJsonString();
        Assert.False(FuzzHarness.NamesInternals(text), text);
        Assert.Contains("page_size", text);
    }

    [Fact]
    public async Task F13_an_If_Match_with_this_version_but_another_hash_is_a_400_and_the_real_ETag_works()
    {
        var client = Client();
        var created = await client.PostAsJsonAsync("/investigations/", new { }, Ct);
        var id = (string)(await created.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!;
        var etag = created.Headers.ETag!.ToString();

        var forged = new HttpRequestMessage(HttpMethod.Patch, $"/investigations/{id}") { Content = JsonContent.Create(new { status = "IN_PROGRESS" }) };
        forged.Headers.TryAddWithoutValidation("If-Match", "W/\"1-00000000\"");
        Assert.Equal("If-Match", await RefusedFieldAsync(await client.SendAsync(forged, Ct)));

        var real = new HttpRequestMessage(HttpMethod.Patch, $"/investigations/{id}") { Content = JsonContent.Create(new { status = "IN_PROGRESS" }) };
        real.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await client.SendAsync(real, Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task F17_duplicate_member_names_are_refused()
    {
        var response = await Client().PostAsync("/anomalies/search/similar", HttpAssertions.RawJson("{\"anomaly_id\":\"x\",\"k\":500,\"k\":5}"), Ct);
        Assert.Equal("k", await RefusedFieldAsync(response));
    }
}
