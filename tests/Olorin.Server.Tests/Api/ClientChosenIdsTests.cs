using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>An id a client chooses must stay reachable at its own URL, so ids that name a route (or cannot be one path segment) are refused.</summary>
public sealed class ClientChosenIdsTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client() => fixture.Factory.CreateClient($"t-{Guid.NewGuid():N}", "alice");

    [Theory]
    [InlineData("/investigations", "investigation_id", "search")]
    [InlineData("/investigations", "investigation_id", "reports")]
    [InlineData("/api/v1/investigation-state", "investigation_id", "Search")]
    [InlineData("/investigations", "investigation_id", "..")]
    [InlineData("/investigations", "investigation_id", "a/b")]
    [InlineData("/detection-runs", "run_id", "stats")]
    [InlineData("/composio/action-audits", "audit_id", "failed")]
    [InlineData("/composio/action-audits", "audit_id", "stats")]
    [InlineData("/detectors", "detector_id", ".")]
    [InlineData("/anomalies", "anomaly_id", "x/y")]
    [InlineData("/templates", "template_id", "t/1")]
    [InlineData("/composio/connections", "connection_id", "c/1")]
    [InlineData("/soar/executions", "execution_id", "e/1")]
    public async Task An_id_that_cannot_be_its_own_path_segment_is_a_400_naming_the_field(string collection, string field, string id)
    {
        var response = await Client().PostAsJsonAsync(collection, new JsonObject { [field] = id }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var messages = problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.Contains("reserved") || m.Contains("must not contain '/'"));
    }

    [Fact]
    public async Task An_id_that_merely_contains_a_route_name_is_accepted_and_reachable()
    {
        var client = Client();
        var created = await client.PostAsJsonAsync("/investigations", new { investigation_id = "search-2026" }, Ct);
        await created.AssertJsonAsync(HttpStatusCode.Created);

        await (await client.GetAsync(created.Headers.Location, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/investigations/reports", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
