using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class SoarExecutionsApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"t2-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null) => fixture.Factory.CreateClient(tenant ?? _tenant, "u1");

    private async Task<JsonObject> StartAsync(object body, string? tenant = null)
        => await (await Client(tenant).PostAsJsonAsync("/soar/executions", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);

    private static object Action(string id) => new { action_id = id, action_type = "block_card", status = "success", result = new { blocked = true } };

    [Fact]
    public async Task Start_is_201_running_with_the_servers_start_time_and_another_tenant_gets_404()
    {
        // The references must name documents of the tenant.
        await (await Client().PostAsJsonAsync("/investigations", new { investigation_id = "inv-1" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var anomaly = AnomaliesApiTests.ValidAnomaly("an-1");
        anomaly["investigation_id"] = "inv-1";
        await (await Client().PostAsJsonAsync("/anomalies", anomaly, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var before = DateTime.UtcNow.AddSeconds(-1);
        var response = await Client().PostAsJsonAsync("/soar/executions", new
        {
            playbook_id = "pb-block",
            investigation_id = "inv-1",
            anomaly_id = "an-1",
            trigger_reason = "risk above 0.9",
            triggered_by = "detector",
        }, Ct);

        var started = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = started["execution_id"]!.GetValue<string>();
        Assert.Equal($"/soar/executions/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("running", started["status"]!.GetValue<string>());
        Assert.InRange(started["started_at"]!.GetValue<DateTime>().ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(1));
        Assert.Null(started["completed_at"]);
        Assert.Null(started["duration_ms"]);
        Assert.Empty(started["actions_executed"]!.AsArray());
        Assert.False(started.ContainsKey("tenant_id"));

        var read = await (await Client().GetAsync($"/soar/executions/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("risk above 0.9", read["trigger_reason"]!.GetValue<string>());

        var other = Client(_otherTenant);
        await (await other.GetAsync($"/soar/executions/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsJsonAsync($"/soar/executions/{id}/actions", Action("a1"), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync($"/soar/executions/{id}/complete", null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsJsonAsync($"/soar/executions/{id}/fail", new { error_message = "x" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("running", (await (await Client().GetAsync($"/soar/executions/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Actions_append_while_running_and_complete_sets_the_duration_after_which_everything_is_409()
    {
        var client = Client();
        var id = (await StartAsync(new { playbook_id = "pb-1" }))["execution_id"]!.GetValue<string>();

        await (await client.PostAsJsonAsync($"/soar/executions/{id}/actions", Action("a1"), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var withTwo = await (await client.PostAsJsonAsync($"/soar/executions/{id}/actions", Action("a2"), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var actions = withTwo["actions_executed"]!.AsArray();
        Assert.Equal(["a1", "a2"], actions.Select(a => a!["action_id"]!.GetValue<string>()));
        Assert.True(actions[0]!["result"]!["blocked"]!.GetValue<bool>());
        Assert.NotNull(actions[0]!["started_at"]);

        var completed = await (await client.PostAsync($"/soar/executions/{id}/complete", null, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        var startedAt = completed["started_at"]!.GetValue<DateTime>();
        var completedAt = completed["completed_at"]!.GetValue<DateTime>();
        Assert.Equal((long)(completedAt - startedAt).TotalMilliseconds, completed["duration_ms"]!.GetValue<long>());

        await (await client.PostAsJsonAsync($"/soar/executions/{id}/actions", Action("a3"), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostAsync($"/soar/executions/{id}/complete", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostAsJsonAsync($"/soar/executions/{id}/fail", new { error_message = "late" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(2, (await (await client.GetAsync($"/soar/executions/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK))["actions_executed"]!.AsArray().Count);
    }

    [Fact]
    public async Task Fail_needs_an_error_message_and_records_it_with_the_duration()
    {
        var client = Client();
        var id = (await StartAsync(new { playbook_id = "pb-1" }))["execution_id"]!.GetValue<string>();

        Assert.NotNull((await (await client.PostAsJsonAsync($"/soar/executions/{id}/fail", new { }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["error_message"]);

        var failed = await (await client.PostAsJsonAsync($"/soar/executions/{id}/fail", new { error_message = "card API down" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("card API down", failed["error_message"]!.GetValue<string>());
        Assert.True(failed["duration_ms"]!.GetValue<long>() >= 0);
        Assert.NotNull(failed["completed_at"]);

        await (await client.PostAsync($"/soar/executions/{id}/complete", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostAsync("/soar/executions/no-such-execution/complete", null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/soar/executions", "{}", "playbook_id")]
    [InlineData("/soar/executions", "{\"playbook_id\":\"\"}", "playbook_id")]
    [InlineData("/soar/executions", "{\"playbook_id\":\"p\",\"execution_id\":\"\"}", "execution_id")]
    public async Task Invalid_start_input_is_a_400_naming_the_field(string url, string json, string field)
    {
        var response = await Client().PostAsync(url, HttpAssertions.RawJson(json), Ct);
        Assert.NotNull((await response.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]![field]);
    }

    [Fact]
    public async Task Invalid_actions_are_400s_naming_the_field()
    {
        var id = (await StartAsync(new { playbook_id = "pb-1" }))["execution_id"]!.GetValue<string>();
        var response = await Client().PostAsJsonAsync($"/soar/executions/{id}/actions", new
        {
            action_type = "block_card",
            status = "success",
            started_at = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc),
            completed_at = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc),
        }, Ct);
        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.Equal(["action_id", "completed_at"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Executions_are_listed_by_playbook_status_and_investigation()
    {
        var client = Client();
        var created = await client.PostAsJsonAsync("/investigations", new { }, Ct);
        var investigation = (await created.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();

        var first = (await StartAsync(new { playbook_id = "pb-a", investigation_id = investigation }))["execution_id"]!.GetValue<string>();
        var second = (await StartAsync(new { playbook_id = "pb-b", investigation_id = investigation }))["execution_id"]!.GetValue<string>();
        var unrelated = (await StartAsync(new { playbook_id = "pb-a" }))["execution_id"]!.GetValue<string>();
        await (await client.PostAsync($"/soar/executions/{second}/complete", null, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await StartAsync(new { playbook_id = "pb-a" }, _otherTenant);

        var all = await ListAsync(client, "/soar/executions");
        Assert.Equal(Sorted(first, second, unrelated), Sorted(Ids(all)));
        Assert.Equal(3, all["totalCount"]!.GetValue<long>());
        Assert.Equal(Sorted(first, unrelated), Sorted(Ids(await ListAsync(client, "/soar/executions?playbook_id=pb-a"))));
        Assert.Equal([second], Ids(await ListAsync(client, "/soar/executions?status=completed")));
        Assert.Equal(Sorted(first, second), Sorted(Ids(await ListAsync(client, $"/soar/executions?investigation_id={investigation}"))));

        var byInvestigation = await ListAsync(client, $"/investigations/{investigation}/soar-executions");
        Assert.Equal(Sorted(first, second), Sorted(Ids(byInvestigation)));
        Assert.Equal([first], Ids(await ListAsync(client, $"/investigations/{investigation}/soar-executions?status=running")));
        Assert.Single(Ids(await ListAsync(client, $"/investigations/{investigation}/soar-executions?page=2&page_size=1")));

        await (await Client(_otherTenant).GetAsync($"/investigations/{investigation}/soar-executions", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/soar/executions?status=paused", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/soar/executions?page_size=101", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task<JsonObject> ListAsync(HttpClient client, string url) => await (await client.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    private static List<string> Sorted(params IEnumerable<string> ids) => ids.Order(StringComparer.Ordinal).ToList();

    private static List<string> Ids(JsonObject list) => list["executions"]!.AsArray().Select(e => e!["execution_id"]!.GetValue<string>()).ToList();
}
