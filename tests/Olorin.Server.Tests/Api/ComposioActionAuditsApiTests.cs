using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class ComposioActionAuditsApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"t2-{Guid.NewGuid():N}";
    private static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null) => fixture.Factory.CreateClient(tenant ?? _tenant, "u1");

    private static object Audit(string status, string toolkit = "slack", string connection = "conn-1", int retryCount = 0,
        DateTime? executedAt = null, string? executionId = null) => new
    {
        action_id = "act-" + Guid.NewGuid().ToString("N"),
        toolkit_name = toolkit,
        action_name = "SEND_MESSAGE",
        connection_id = connection,
        execution_id = executionId,
        parameters = new { channel = "#fraud" },
        result = new { ok = status == "success" },
        status,
        executed_at = executedAt ?? Monday,
        retry_count = retryCount,
        error_message = status == "success" ? null : "rate limited",
    };

    /// <summary>An audit must name a connection of its tenant: the one it names is created first (once).</summary>
    private async Task<HttpResponseMessage> PostAuditAsync(object body, string? tenant = null)
    {
        var connection = (string)System.Text.Json.JsonSerializer.SerializeToNode(body)!["connection_id"]!;
        var created = await Client(tenant).PostAsJsonAsync("/composio/connections",
            new { connection_id = connection, toolkit_name = "slack", composio_connection_id = "ca-" + connection, access_token = "t" }, Ct);
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await created.Content.ReadAsStringAsync(Ct));
        return await Client(tenant).PostAsJsonAsync("/composio/action-audits", body, Ct);
    }

    private async Task<string> CreateAsync(object body, string? tenant = null)
    {
        var response = await PostAuditAsync(body, tenant);
        return (await response.AssertJsonAsync(HttpStatusCode.Created))["audit_id"]!.GetValue<string>();
    }

    private async Task<JsonObject> GetJsonAsync(string url) => await (await Client().GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task Create_is_201_get_returns_it_and_another_tenant_gets_404()
    {
        var response = await PostAuditAsync(Audit("failed", executionId: "exec-1"));
        var created = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = created["audit_id"]!.GetValue<string>();
        Assert.Equal($"/composio/action-audits/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("failed", created["status"]!.GetValue<string>());
        Assert.Equal("#fraud", created["parameters"]!["channel"]!.GetValue<string>());
        Assert.Equal("exec-1", created["execution_id"]!.GetValue<string>());
        Assert.False(created.ContainsKey("tenant_id"));

        Assert.Equal("rate limited", (await GetJsonAsync($"/composio/action-audits/{id}"))["error_message"]!.GetValue<string>());
        await (await Client(_otherTenant).GetAsync($"/composio/action-audits/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client(_otherTenant).PostAsJsonAsync($"/composio/action-audits/{id}/retry", new { status = "success" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("status", "\"done\"")]
    [InlineData("status", "null")]
    [InlineData("action_id", "null")]
    [InlineData("connection_id", "\"\"")]
    [InlineData("retry_count", "-1")]
    public async Task Invalid_input_is_a_400_naming_the_field(string field, string value)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Audit("success")))!.AsObject();
        body[field] = JsonNode.Parse(value);
        var response = await Client().PostAsync("/composio/action-audits", HttpAssertions.RawJson(body.ToJsonString()), Ct);
        Assert.NotNull((await response.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]![field]);
    }

    [Fact]
    public async Task The_list_filters_by_connection_toolkit_status_execution_and_time_window_newest_first()
    {
        var early = await CreateAsync(Audit("success", connection: "conn-a", executedAt: Monday));
        var middle = await CreateAsync(Audit("failed", toolkit: "github", connection: "conn-b", executedAt: Monday.AddHours(1), executionId: "exec-9"));
        var late = await CreateAsync(Audit("success", connection: "conn-a", executedAt: Monday.AddHours(2)));
        await CreateAsync(Audit("success"), _otherTenant);

        var all = await GetJsonAsync("/composio/action-audits");
        Assert.Equal([late, middle, early], Ids(all));
        Assert.Equal(3, all["totalCount"]!.GetValue<long>());
        Assert.Equal([late, early], Ids(await GetJsonAsync("/composio/action-audits?connection_id=conn-a")));
        Assert.Equal([middle], Ids(await GetJsonAsync("/composio/action-audits?toolkit_name=github")));
        Assert.Equal([middle], Ids(await GetJsonAsync("/composio/action-audits?status=failed")));
        Assert.Equal([middle], Ids(await GetJsonAsync("/composio/action-audits?execution_id=exec-9")));
        Assert.Equal([middle, early], Ids(await GetJsonAsync("/composio/action-audits?from=2026-11-23T09:00:00Z&to=2026-11-23T11:00:00Z")));
        Assert.Equal([late], Ids(await GetJsonAsync("/composio/action-audits?page=1&page_size=1")));

        await (await Client().GetAsync("/composio/action-audits?status=done", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Client().GetAsync("/composio/action-audits?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Client().GetAsync("/composio/action-audits?from=yesterday", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Failed_lists_failed_actions_retried_fewer_than_max_retries_times_oldest_first_up_to_limit()
    {
        var fresh = await CreateAsync(Audit("failed", retryCount: 0, executedAt: Monday.AddMinutes(2)));
        var older = await CreateAsync(Audit("failed", retryCount: 1, executedAt: Monday.AddMinutes(1)));
        var exhausted = await CreateAsync(Audit("failed", retryCount: 3, executedAt: Monday));
        await CreateAsync(Audit("success"));
        await CreateAsync(Audit("retrying"));

        Assert.Equal([older, fresh], Ids(await GetJsonAsync("/composio/action-audits/failed?max_retries=3")));
        Assert.Equal([exhausted, older, fresh], Ids(await GetJsonAsync("/composio/action-audits/failed")));
        Assert.Equal([exhausted], Ids(await GetJsonAsync("/composio/action-audits/failed?limit=1")));

        await (await Client().GetAsync("/composio/action-audits/failed?limit=0", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Client().GetAsync("/composio/action-audits/failed?max_retries=-1", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Retry_increments_retry_count_and_records_the_attempts_status_and_error()
    {
        var id = await CreateAsync(Audit("failed"));

        var first = await (await Client().PostAsJsonAsync($"/composio/action-audits/{id}/retry", new { status = "retrying", error_message = "timeout" }, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, first["retry_count"]!.GetValue<int>());
        Assert.Equal("retrying", first["status"]!.GetValue<string>());
        Assert.Equal("timeout", first["error_message"]!.GetValue<string>());

        var second = await (await Client().PostAsJsonAsync($"/composio/action-audits/{id}/retry", new { status = "success" }, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, second["retry_count"]!.GetValue<int>());
        Assert.Equal("success", second["status"]!.GetValue<string>());

        await (await Client().PostAsJsonAsync($"/composio/action-audits/{id}/retry", new { status = "done" }, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Client().PostAsJsonAsync("/composio/action-audits/no-such-audit/retry", new { status = "success" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stats_count_each_toolkits_outcomes_within_the_window()
    {
        await CreateAsync(Audit("success", toolkit: "slack", retryCount: 1));
        await CreateAsync(Audit("success", toolkit: "slack"));
        await CreateAsync(Audit("success", toolkit: "slack"));
        await CreateAsync(Audit("failed", toolkit: "slack", retryCount: 2));
        await CreateAsync(Audit("retrying", toolkit: "github"));
        await CreateAsync(Audit("success", toolkit: "github", executedAt: Monday.AddDays(7)));
        await CreateAsync(Audit("success", toolkit: "slack"), _otherTenant);

        var stats = await GetJsonAsync("/composio/action-audits/stats?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z");
        var toolkits = stats["toolkits"]!.AsArray();
        Assert.Equal(["github", "slack"], toolkits.Select(t => t!["toolkit_name"]!.GetValue<string>()));

        var github = toolkits[0]!;
        Assert.Equal(1, github["total"]!.GetValue<long>());
        Assert.Equal(1, github["retrying"]!.GetValue<long>());
        Assert.Equal(0.0, github["success_rate"]!.GetValue<double>());

        var slack = toolkits[1]!;
        Assert.Equal(4, slack["total"]!.GetValue<long>());
        Assert.Equal(3, slack["success"]!.GetValue<long>());
        Assert.Equal(1, slack["failed"]!.GetValue<long>());
        Assert.Equal(0, slack["retrying"]!.GetValue<long>());
        Assert.Equal(0.75, slack["success_rate"]!.GetValue<double>());

        var everything = await GetJsonAsync("/composio/action-audits/stats");
        Assert.Equal(2, everything["toolkits"]![0]!["total"]!.GetValue<long>());
    }

    private static List<string> Ids(JsonObject list) => list["action_audits"]!.AsArray().Select(a => a!["audit_id"]!.GetValue<string>()).ToList();
}
