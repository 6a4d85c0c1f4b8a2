using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Api;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary>
/// Tenant B owns one document of every kind; tenant A, with a read+write token and even B's user name, tries every
/// GET, PATCH and DELETE route of the route table against B's ids. Zero successes, and B's documents are unchanged.
/// </summary>
public sealed class TwoTenantFuzzTests(JwtApiFixture fixture) : IClassFixture<JwtApiFixture>
{
    private const string User = "owner";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A body each PATCH route would accept from the owner, so that only the tenant can make it fail.</summary>
    private static readonly Dictionary<string, object> PatchBodies = new()
    {
        ["investigations/{investigationId}"] = new { version = 1, status = "IN_PROGRESS" },
        ["api/v1/investigation-state/{investigationId}"] = new { version = 1, status = "IN_PROGRESS" },
        ["detectors/{detectorId}"] = new { name = "taken over" },
        ["detection-runs/{runId}/status"] = new { status = "running" },
        ["anomalies/{anomalyId}"] = new { status = "triaged" },
        ["templates/{templateId}"] = new { name = "taken over" },
        ["composio/connections/{connectionId}"] = new { status = "revoked" },
    };

    [Fact]
    public async Task Tenant_A_succeeds_on_no_route_against_tenant_Bs_ids()
    {
        var tenantB = $"b-{Guid.NewGuid():N}";
        var ownerB = fixture.Client(TestTokens.Mint(tenantB, User, "read", "write"));
        var strangerA = fixture.Client(TestTokens.Mint($"a-{Guid.NewGuid():N}", User, "read", "write"));
        var ids = await CreateOneOfEachAsync(ownerB);

        var routes = ApiRoutes.All(fixture.Factory.Services)
            .Where(route => !route.IsAnonymous && route.Method is "GET" or "PATCH" or "DELETE")
            .OrderBy(route => route.Method == "DELETE") // deletes last, so that every other route still finds B's documents
            .ToList();
        var unknown = routes.SelectMany(route => route.Parameters).Distinct().Where(name => !ids.ContainsKey(name)).ToList();
        Assert.True(unknown.Count == 0, $"Tell this test which of tenant B's ids fills {string.Join(", ", unknown)}.");
        // Routes that need a query value to answer at all get one, so that only the tenant can make them fail.
        string PathOf(ApiRoutes.Route route)
            => route.Path(name => ids[name]) + (route.Pattern.EndsWith("/changes", StringComparison.Ordinal) ? "?since_version=0" : "");
        var withIds = routes.Where(route => route.Parameters.Count > 0).ToList();

        // B's own GETs succeed: the ids are real, so A's failures below are the tenant boundary, not typos.
        // Headers only: an event stream (/events) answers its status at once and then stays open.
        foreach (var route in withIds.Where(route => route.Method == "GET"))
        {
            using var own = await ownerB.GetAsync(PathOf(route), HttpCompletionOption.ResponseHeadersRead, Ct);
            Assert.True(own.IsSuccessStatusCode, $"B cannot {route} itself: {(int)own.StatusCode}");
        }

        var successes = new List<string>();
        foreach (var route in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), PathOf(route));
            if (route.Method == "PATCH") request.Content = JsonContent.Create(PatchBodies.GetValueOrDefault(route.Pattern.TrimStart('/'), new { }));
            using var response = await strangerA.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
            // A stream that opened for A is a success already; its body would never end.
            var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "(event stream)" : await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            if (route.Parameters.Count > 0 && status < 400) successes.Add($"{route}: {status} {body}");
            else if (status < 400 && ids.Values.FirstOrDefault(id => body.Contains(id, StringComparison.Ordinal)) is { } leaked)
                successes.Add($"{route}: {status} shows B's {leaked}");
            else if (route.Parameters.Count > 0 && PatchBodies.ContainsKey(route.Pattern.TrimStart('/')) && status != 404)
                successes.Add($"{route}: {status} instead of 404 {body}");
        }
        Assert.True(successes.Count == 0, string.Join("\n", successes));
        Assert.True(withIds.Count >= 20, $"only {withIds.Count} routes with ids");

        // Nothing of B's was changed or deleted.
        foreach (var route in withIds.Where(route => route.Method == "GET"))
        {
            using var own = await ownerB.GetAsync(PathOf(route), HttpCompletionOption.ResponseHeadersRead, Ct);
            Assert.True(own.IsSuccessStatusCode, $"B's {route} is gone");
        }
        var investigation = await (await ownerB.GetAsync($"/investigations/{ids["investigationId"]}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, investigation["version"]!.GetValue<int>());
        Assert.Equal("new", (await (await ownerB.GetAsync($"/anomalies/{ids["anomalyId"]}", Ct)).AssertJsonAsync(HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    /// <summary>One document of each kind in B's tenant, keyed by the route parameter that names it.</summary>
    private static async Task<Dictionary<string, string>> CreateOneOfEachAsync(HttpClient b)
    {
        async Task<string> Create(string path, object body, string idField)
            => (await (await b.PostAsJsonAsync(path, body, Ct)).AssertJsonAsync(HttpStatusCode.Created))[idField]!.GetValue<string>();

        var investigation = await Create("/investigations", new { }, "investigation_id");
        (await b.PostAsJsonAsync($"/investigations/{investigation}/transaction-scores",
            new { scores = new[] { new { transaction_id = $"txn-{Guid.NewGuid():N}", risk_score = 0.5 } } }, Ct)).EnsureSuccessStatusCode();
        var detector = await Create("/detectors", DetectorsApiTests.ValidDetector(), "detector_id");
        var day = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var run = await Create("/detection-runs", new { detector_id = detector, window = new { from = day, to = day.AddHours(6) } }, "run_id");
        var anomalyBody = AnomaliesApiTests.ValidAnomaly(runId: run, detectorId: detector);
        anomalyBody["investigation_id"] = investigation;
        var anomaly = await Create("/anomalies", anomalyBody, "anomaly_id");
        var template = await Create("/templates", new { name = $"sweep-{Guid.NewGuid():N}", template = new { entity_type = "email" } }, "template_id");
        var connection = await Create("/composio/connections", new
        {
            toolkit_name = "slack",
            composio_connection_id = $"ca_{Guid.NewGuid():N}",
            access_token = "secret-access",
        }, "connection_id");
        var audit = await Create("/composio/action-audits", new
        {
            action_id = $"act-{Guid.NewGuid():N}",
            toolkit_name = "slack",
            action_name = "SEND_MESSAGE",
            connection_id = connection,
            status = "failed",
            executed_at = day,
            error_message = "rate limited",
        }, "audit_id");
        var execution = await Create("/soar/executions", new
        {
            playbook_id = "pb-block",
            investigation_id = investigation,
            anomaly_id = anomaly,
            trigger_reason = "risk above 0.9",
            triggered_by = "detector",
        }, "execution_id");

        return new Dictionary<string, string>
        {
            ["investigationId"] = investigation,
            ["detectorId"] = detector,
            ["runId"] = run,
            ["anomalyId"] = anomaly,
            ["templateId"] = template,
            ["connectionId"] = connection,
            ["auditId"] = audit,
            ["executionId"] = execution,
        };
    }
}
