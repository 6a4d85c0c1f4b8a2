using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class DetectorsApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly HttpClient _client = fixture.Factory.CreateClient($"tenant-{Guid.NewGuid():N}", "alice");
    private readonly HttpClient _otherTenant = fixture.Factory.CreateClient($"other-{Guid.NewGuid():N}", "bob");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static JsonObject ValidDetector(string? id = null, string type = "stl_mad", bool enabled = true) => new()
    {
        ["detector_id"] = id,
        ["name"] = "Card velocity",
        ["type"] = type,
        ["cohort_by"] = new JsonObject { ["dimensions"] = new JsonArray("merchant"), ["filters"] = new JsonObject { ["country"] = "DE" } },
        ["metrics"] = new JsonObject { ["primary"] = "tx_count", ["secondary"] = new JsonArray("amount"), ["aggregations"] = new JsonArray("sum") },
        ["params"] = new JsonObject { ["sensitivity"] = 0.8, ["window_size"] = 24, ["algorithm_specific"] = new JsonObject { ["period"] = 7 } },
        ["enabled"] = enabled,
    };

    [Fact]
    public async Task Create_returns_201_with_location_and_the_detector_without_tenant()
    {
        var response = await _client.PostAsJsonAsync("/detectors", ValidDetector(), Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = body["detector_id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _), "a UUID is generated when detector_id is absent");
        Assert.Equal($"/detectors/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("stl_mad", body["type"]!.GetValue<string>());
        Assert.Equal("tx_count", body["metrics"]!["primary"]!.GetValue<string>());
        Assert.Equal(0.8, body["params"]!["sensitivity"]!.GetValue<double>());
        Assert.Equal(7, body["params"]!["algorithm_specific"]!["period"]!.GetValue<int>());
        Assert.Equal("DE", body["cohort_by"]!["filters"]!["country"]!.GetValue<string>());
        Assert.True(body["enabled"]!.GetValue<bool>());
        Assert.False(body.ContainsKey("tenant_id"));
        Assert.NotNull(body["created_at"]);

        var fetched = await (await _client.GetAsync($"/detectors/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Card velocity", fetched["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Duplicate_id_is_409()
    {
        var id = $"det-{Guid.NewGuid():N}";
        (await _client.PostAsJsonAsync("/detectors", ValidDetector(id), Ct)).EnsureSuccessStatusCode();

        await (await _client.PostAsJsonAsync("/detectors", ValidDetector(id), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Another_tenants_detector_is_404_for_get_patch_and_delete()
    {
        var id = $"det-{Guid.NewGuid():N}";
        (await _client.PostAsJsonAsync("/detectors", ValidDetector(id), Ct)).EnsureSuccessStatusCode();

        await (await _otherTenant.GetAsync($"/detectors/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _otherTenant.PatchJsonAsync($"/detectors/{id}", new { name = "stolen" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _otherTenant.DeleteAsync($"/detectors/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var list = await (await _otherTenant.GetAsync("/detectors", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Empty(list["detectors"]!.AsArray());

        var mine = await (await _client.GetAsync($"/detectors/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Card velocity", mine["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent()
    {
        var id = $"det-{Guid.NewGuid():N}";
        (await _client.PostAsJsonAsync("/detectors", ValidDetector(id), Ct)).EnsureSuccessStatusCode();

        var response = await _client.PatchJsonAsync($"/detectors/{id}",
            new { name = "Renamed", enabled = false, @params = new { sensitivity = 0.3, window_size = 12 } }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", body["name"]!.GetValue<string>());
        Assert.False(body["enabled"]!.GetValue<bool>());
        Assert.Equal(0.3, body["params"]!["sensitivity"]!.GetValue<double>());
        Assert.Equal("tx_count", body["metrics"]!["primary"]!.GetValue<string>());
        Assert.True(body["updated_at"]!.GetValue<DateTime>() >= body["created_at"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task Delete_is_204_then_404()
    {
        var id = $"det-{Guid.NewGuid():N}";
        (await _client.PostAsJsonAsync("/detectors", ValidDetector(id), Ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/detectors/{id}", Ct)).StatusCode);
        await (await _client.GetAsync($"/detectors/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/detectors/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_filters_by_type_and_enabled_and_pages()
    {
        foreach (var (type, enabled) in new[] { ("cusum", true), ("cusum", false), ("rcf", true), ("cusum", true), ("matrix_profile", true) })
            (await _client.PostAsJsonAsync("/detectors", ValidDetector(type: type, enabled: enabled), Ct)).EnsureSuccessStatusCode();

        var cusum = await (await _client.GetAsync("/detectors?type=cusum&enabled=true&page_size=1", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, cusum["totalCount"]!.GetValue<long>());
        Assert.Single(cusum["detectors"]!.AsArray());
        Assert.Equal(1, cusum["pageSize"]!.GetValue<int>());
        Assert.True(cusum["hasNextPage"]!.GetValue<bool>());
        Assert.False(cusum["hasPreviousPage"]!.GetValue<bool>());

        var secondPage = await (await _client.GetAsync("/detectors?type=cusum&enabled=true&page=2&page_size=1", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(secondPage["hasNextPage"]!.GetValue<bool>());
        Assert.True(secondPage["hasPreviousPage"]!.GetValue<bool>());
        Assert.NotEqual(cusum["detectors"]![0]!["detector_id"]!.GetValue<string>(), secondPage["detectors"]![0]!["detector_id"]!.GetValue<string>());

        var all = await (await _client.GetAsync("/detectors", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, all["totalCount"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("type", "\"prophet\"")]
    [InlineData("name", "\"\"")]
    [InlineData("params", "{\"sensitivity\": 1.5}")]
    [InlineData("params", "{\"window_size\": 0}")]
    [InlineData("metrics", "{\"secondary\": [\"amount\"]}")]
    [InlineData("metrics", "null")]
    [InlineData("detector_id", "\"\"")]
    public async Task Invalid_create_is_400(string field, string json)
    {
        var body = ValidDetector();
        body[field] = JsonNode.Parse(json);

        var problem = await (await _client.PostAsync("/detectors", HttpAssertions.RawJson(body.ToJsonString()), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ToJsonString());
    }

    [Fact]
    public async Task Name_longer_than_500_is_400_with_field_error()
    {
        var body = ValidDetector();
        body["name"] = new string('n', 501);

        var problem = await (await _client.PostAsJsonAsync("/detectors", body, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["name"]);
    }

    [Theory]
    [InlineData("/detectors?type=prophet", "type")]
    [InlineData("/detectors?page_size=101", "page_size")]
    [InlineData("/detectors?page=0", "page")]
    public async Task Invalid_list_query_is_400(string url, string field)
    {
        var problem = await (await _client.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Invalid_patch_is_400()
    {
        var id = $"det-{Guid.NewGuid():N}";
        (await _client.PostAsJsonAsync("/detectors", ValidDetector(id), Ct)).EnsureSuccessStatusCode();

        var problem = await (await _client.PatchJsonAsync($"/detectors/{id}", new { @params = new { sensitivity = -0.1 } }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["params.sensitivity"]);
        await (await _client.PatchJsonAsync($"/detectors/{id}", new { }, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
