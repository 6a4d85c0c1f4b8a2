using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>Issue #2's acceptance list, end to end over HTTP and a real PostgreSQL database.</summary>
public sealed class InvestigationsApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"t2-{Guid.NewGuid():N}";
    private const string User = "u1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null, string user = User) => fixture.Factory.CreateClient(tenant ?? _tenant, user);

    private async Task<JsonObject> CreateAsync(HttpClient client, object? body = null)
    {
        var response = await client.PostAsJsonAsync("/investigations", body ?? new { }, Ct);
        return await response.AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Create_returns_201_with_version_1_an_etag_and_a_location()
    {
        var response = await Client().PostAsJsonAsync("/investigations", new
        {
            investigation_id = "inv-" + Guid.NewGuid().ToString("N"),
            lifecycle_stage = "SETTINGS",
            settings = new { name = "Card testing", entities = new[] { new { entity_type = "email", entity_value = "a@b.c" } } },
            results = new { risk_score = 0.75, summary = "suspicious" },
            metadata = new { source = "USER", tags = new[] { "urgent" } },
        }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = body["investigation_id"]!.GetValue<string>();
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(User, body["user_id"]!.GetValue<string>());
        Assert.Equal("SETTINGS", body["lifecycle_stage"]!.GetValue<string>());
        Assert.Equal("CREATED", body["status"]!.GetValue<string>());
        Assert.Equal(0.75, body["results"]!["risk_score"]!.GetValue<double>());
        Assert.Equal("urgent", body["metadata"]!["tags"]![0]!.GetValue<string>());
        Assert.False(body.ContainsKey("tenant_id"));
        Assert.Equal($"/investigations/{id}", response.Headers.Location!.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.ETag!.IsWeak);
        Assert.Matches("^W/\"1-[0-9a-f]{8}\"$", response.Headers.ETag.ToString());
        Assert.Equal(response.Headers.ETag.ToString(), body["etag"]!.GetValue<string>());

        // Stored in this class's database (test settings override appsettings.json), under the caller's tenant.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var query = new Npgsql.NpgsqlCommand("SELECT tenant_id FROM investigation_states WHERE investigation_id = @id", connection);
        query.Parameters.AddWithValue("id", id);
        Assert.Equal(_tenant, await query.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Create_without_an_id_generates_a_uuid()
    {
        var body = await CreateAsync(Client());
        Assert.True(Guid.TryParse(body["investigation_id"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task Creating_an_existing_id_is_a_409_problem()
    {
        var id = "dup-" + Guid.NewGuid().ToString("N");
        await CreateAsync(Client(), new { investigation_id = id });
        var again = await Client().PostAsJsonAsync("/investigations", new { investigation_id = id }, Ct);
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(id, problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_is_200_for_the_tenant_and_404_for_another_tenant()
    {
        var id = (await CreateAsync(Client()))["investigation_id"]!.GetValue<string>();

        var own = await Client().GetAsync($"/investigations/{id}", Ct);
        var body = await own.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, body["investigation_id"]!.GetValue<string>());
        Assert.NotNull(body["last_accessed"]);
        Assert.Equal(1, body["version"]!.GetValue<int>()); // an access does not bump the version
        Assert.Equal("no-cache, must-revalidate", own.Headers.NonValidated["Cache-Control"].ToString());

        var other = await Client(_otherTenant).GetAsync($"/investigations/{id}", Ct);
        await other.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_with_the_current_etag_in_If_None_Match_is_304()
    {
        var client = Client();
        var created = await client.PostAsJsonAsync("/investigations", new { }, Ct);
        var id = (await created.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/investigations/{id}");
        request.Headers.IfNoneMatch.Add(created.Headers.ETag!);
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(created.Headers.ETag, response.Headers.ETag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));

        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/investigations/{id}");
        stale.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1-00000000\"");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(stale, Ct)).StatusCode);
    }

    [Fact]
    public async Task Patch_with_the_current_version_is_200_and_repeating_it_is_a_409_naming_the_current_version()
    {
        var client = Client();
        var id = (await CreateAsync(client))["investigation_id"]!.GetValue<string>();
        var patch = new { version = 1, status = "IN_PROGRESS", progress = new { current_phase = "scan", progress_percentage = 40.0 } };

        var first = await client.PatchJsonAsync($"/investigations/{id}", patch, Ct);
        var updated = await first.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, updated["version"]!.GetValue<int>());
        Assert.Equal("IN_PROGRESS", updated["status"]!.GetValue<string>());
        Assert.Equal(40.0, updated["progress"]!["progress_percentage"]!.GetValue<double>());
        Assert.StartsWith("W/\"2-", first.Headers.ETag!.ToString());

        var second = await client.PatchJsonAsync($"/investigations/{id}", patch, Ct);
        var problem = await second.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Version conflict: expected 2, got 1", problem["detail"]!.GetValue<string>());
        Assert.Equal(2, problem["current_version"]!.GetValue<int>());
        Assert.Equal(1, problem["submitted_version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fifty_concurrent_patches_of_the_same_version_give_exactly_one_200_and_49_409s()
    {
        var id = (await CreateAsync(Client()))["investigation_id"]!.GetValue<string>();
        var clients = Enumerable.Range(0, 50).Select(_ => Client()).ToList();

        var responses = await Task.WhenAll(clients.Select((c, i) =>
            c.PatchJsonAsync($"/investigations/{id}", new { version = 1, progress = new { current_phase = $"writer-{i}" } }, Ct)));

        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(1, codes.Count(c => c == 200));
        Assert.Equal(49, codes.Count(c => c == 409));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal(HttpAssertions.ProblemJson, conflict.Content.Headers.ContentType?.MediaType);

        var final = await (await Client().GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, final["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Patch_takes_the_version_from_If_Match_and_needs_one_of_the_two()
    {
        var client = Client();
        var created = await client.PostAsJsonAsync("/investigations", new { }, Ct);
        var id = (await created.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();

        var missing = await client.PatchJsonAsync($"/investigations/{id}", new { status = "COMPLETED" }, Ct);
        var problem = await missing.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["version"]);

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/investigations/{id}") { Content = JsonContent.Create(new { status = "COMPLETED" }) };
        request.Headers.IfMatch.Add(created.Headers.ETag!);
        var response = await client.SendAsync(request, Ct);
        Assert.Equal(2, (await response.AssertJsonAsync(HttpStatusCode.OK))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_the_owner_or_the_system_user_may_patch_or_delete()
    {
        var id = (await CreateAsync(Client()))["investigation_id"]!.GetValue<string>();
        var stranger = Client(user: "u2");

        await (await stranger.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await stranger.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "ERROR" }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await stranger.DeleteAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var system = Client(user: "auto-comparison-system");
        await (await system.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "ERROR" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await system.DeleteAsync($"/investigations/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task List_returns_the_envelope_newest_update_first_with_paging_and_filters()
    {
        var client = Client();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await CreateAsync(client, new { investigation_id = $"list-{i}-{Guid.NewGuid():N}" }))["investigation_id"]!.GetValue<string>());
        await (await client.PatchJsonAsync($"/investigations/{ids[0]}", new { version = 1, status = "COMPLETED" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var page1 = await (await client.GetAsync("/investigations?page=1&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["investigations", "totalCount", "page", "pageSize", "hasNextPage", "hasPreviousPage"], page1.Select(p => p.Key));
        Assert.Equal(3, page1["totalCount"]!.GetValue<long>());
        Assert.Equal(2, page1["pageSize"]!.GetValue<int>());
        Assert.True(page1["hasNextPage"]!.GetValue<bool>());
        Assert.False(page1["hasPreviousPage"]!.GetValue<bool>());
        Assert.Equal(ids[0], page1["investigations"]![0]!["investigation_id"]!.GetValue<string>()); // updated last

        var page2 = await (await client.GetAsync("/investigations?page=2&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Single(page2["investigations"]!.AsArray());
        Assert.True(page2["hasPreviousPage"]!.GetValue<bool>());

        var completed = await (await client.GetAsync("/investigations?status=COMPLETED", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, completed["totalCount"]!.GetValue<long>());
        var searched = await (await client.GetAsync($"/investigations?search={ids[1][..10].ToUpperInvariant()}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(ids[1], searched["investigations"]![0]!["investigation_id"]!.GetValue<string>());

        var otherTenant = await (await Client(_otherTenant).GetAsync("/investigations?page=1&page_size=10", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, otherTenant["totalCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task History_lists_create_and_update_newest_first_and_survives_delete()
    {
        var client = Client();
        var id = (await CreateAsync(client))["investigation_id"]!.GetValue<string>();
        await (await client.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "IN_PROGRESS" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var history = await HistoryAsync(client, id);
        Assert.Equal(["UPDATE", "CREATE"], history.Select(e => e!["action_type"]!.GetValue<string>()));
        Assert.Equal(User, history[0]!["user_id"]!.GetValue<string>());
        Assert.Equal("API", history[0]!["source"]!.GetValue<string>());
        Assert.Contains("status", history[0]!["changes"]!["fields_modified"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.DoesNotContain("tenant_id", history[0]!.ToJsonString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/investigations/{id}", Ct)).StatusCode);
        await (await client.GetAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        var after = await HistoryAsync(client, id);
        Assert.Equal(["DELETE", "UPDATE", "CREATE"], after.Select(e => e!["action_type"]!.GetValue<string>()));

        var paged = await HistoryAsync(client, id, "?limit=1&offset=1");
        Assert.Equal("UPDATE", Assert.Single(paged)!["action_type"]!.GetValue<string>());
        Assert.Empty(await HistoryAsync(client, id, "?offset=3"));
    }

    [Fact]
    public async Task History_of_an_investigation_that_never_existed_is_404_also_for_another_tenant()
    {
        await (await Client().GetAsync($"/investigations/never-{Guid.NewGuid():N}/history", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var id = (await CreateAsync(Client()))["investigation_id"]!.GetValue<string>();
        await (await Client(_otherTenant).GetAsync($"/investigations/{id}/history", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_frontend_path_serves_the_same_resource()
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/v1/investigation-state", new { }, Ct);
        var id = (await response.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/investigation-state/{id}", response.Headers.Location!.OriginalString);

        await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var list = await (await client.GetAsync("/api/v1/investigation-state/", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, list["totalCount"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("{\"investigation_id\": \"x\",", "JSON")]
    [InlineData("{\"status\": \"PAUSED\"}", "PAUSED")]
    [InlineData("{\"lifecycle_stage\": 3}", "Expected a string")]
    public async Task Unreadable_bodies_are_400_problems_that_say_what_was_wrong(string json, string mentioned)
    {
        var response = await Client().PostAsync("/investigations", HttpAssertions.RawJson(json), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(mentioned, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"results\": {\"risk_score\": 1.5}}", "results.risk_score")]
    [InlineData("{\"results\": {\"risk_score\": -0.1}}", "results.risk_score")]
    [InlineData("{\"progress\": {\"progress_percentage\": 101}}", "progress.progress_percentage")]
    [InlineData("{\"investigation_id\": \"\"}", "investigation_id")]
    [InlineData("{\"settings\": {\"entities\": [{\"entity_type\": \"planet\", \"entity_value\": \"mars\"}]}}", "settings.entities[0].entity_type")]
    [InlineData("{\"settings\": {\"time_range\": {\"duration_hours\": 721}}}", "settings.time_range.duration_hours")]
    public async Task Invalid_values_are_400_validation_problems_naming_the_field(string json, string field)
    {
        var response = await Client().PostAsync("/investigations", HttpAssertions.RawJson(json), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Patch_rejects_a_risk_score_out_of_range_without_changing_anything()
    {
        var client = Client();
        var id = (await CreateAsync(client))["investigation_id"]!.GetValue<string>();
        var response = await client.PatchJsonAsync($"/investigations/{id}", new { version = 1, results = new { risk_score = 1.5 } }, Ct);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var stored = await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, stored["version"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("page_size=1000", "page_size")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page=0", "page")]
    [InlineData("status=PAUSED", "status")]
    public async Task Bad_list_parameters_are_400_problems(string query, string field)
    {
        var response = await Client().GetAsync($"/investigations?{query}", Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await Client().PostAsync("/investigations", new StringContent("status=CREATED", System.Text.Encoding.UTF8, "text/plain"), Ct);
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_non_numeric_query_value_is_a_400_problem()
        => await (await Client().GetAsync("/investigations?page=abc", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

    [Fact]
    public async Task Identity_headers_longer_than_255_characters_are_400_problems()
    {
        var response = await Client(tenant: new string('t', 256)).GetAsync("/investigations", Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("X-Tenant-Id", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_headers_the_default_tenant_and_the_anonymous_user_are_used()
    {
        using var anonymous = fixture.Factory.CreateClient();
        var body = await (await anonymous.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("anonymous", body["user_id"]!.GetValue<string>());
        var id = body["investigation_id"]!.GetValue<string>();
        await (await Client(tenant: "default").GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_tenant_isolation_off_every_request_runs_in_the_default_tenant()
    {
        var id = (await CreateAsync(Client(tenant: "default")))["investigation_id"]!.GetValue<string>();
        await using var shared = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ENABLE_TENANT_ISOLATION", "false"));
        using var client = shared.CreateClient();
        client.DefaultRequestHeaders.Add("X-Tenant-Id", _otherTenant);
        await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    private static async Task<JsonArray> HistoryAsync(HttpClient client, string id, string query = "")
    {
        var response = await client.GetAsync($"/investigations/{id}/history{query}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsArray();
    }
}
