using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Fuzz;

/// <summary>
/// Two tenants over every route of the OpenAPI document: tenant B, addressing tenant A's ids on every id route with
/// every method, neither sees nor changes anything of A's; B's lists never show A's documents; and B may create
/// documents under A's ids (ids are unique per tenant), each tenant then seeing only its own.
/// </summary>
public sealed class TenantIsolationFuzzTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A's resources, created with ids that also serve as markers: none may appear in any answer to B.</summary>
    private sealed record TenantA(string Marker, Dictionary<string, string> Ids, List<string> Views);

    [Fact]
    public async Task Tenant_B_cannot_see_or_change_tenant_A_on_any_route_and_may_use_the_same_ids()
    {
        var harness = new FuzzHarness();
        var a = fixture.Factory.CreateClient($"tenant-a-{Guid.NewGuid():N}", "alice");
        var tenantB = $"tenant-b-{Guid.NewGuid():N}";
        var bClients = new[] { fixture.Factory.CreateClient(tenantB, "alice"), fixture.Factory.CreateClient(tenantB, "auto-comparison-system") };
        var seeded = await SeedAsync(a);
        var before = await SnapshotAsync(a, seeded);
        var (operations, document) = await FuzzHarness.OperationsAsync(a, Ct);
        var calls = 0;

        foreach (var operation in operations.Where(o => o.PathParameters.Count > 0))
        {
            foreach (var b in bClients)
            {
                var url = FuzzHarness.Fill(operation.Template, name => seeded.Ids.GetValueOrDefault(name, "zz"));
                var body = operation.BodySchema is null ? null : FuzzHarness.Utf8(harness.Sample(document, operation.BodySchema)?.ToJsonString() ?? "{}");
                using var response = await b.SendAsync(FuzzHarness.Request(operation.Method, url, body), Ct);
                var text = await harness.AssertSaneAsync(response, $"B: {operation.Method} {url}");
                calls++;
                Assert.DoesNotContain(seeded.Marker, text);
                Assert.False(FuzzHarness.IsOk(response.StatusCode) && operation.Method != HttpMethod.Get,
                    $"{harness.Replay} B changed something of A's? {operation.Method} {url} answered {(int)response.StatusCode}");
                foreach (var id in seeded.Ids.Values.Where(id => FuzzHarness.IsOk(response.StatusCode))) Assert.DoesNotContain(id, text);
            }
        }
        foreach (var list in operations.Where(o => o.Method == HttpMethod.Get && o.PathParameters.Count == 0 && !o.HasRequiredQuery))
        {
            var text = await harness.AssertSaneAsync(await bClients[0].GetAsync(list.Template, Ct), $"B: GET {list.Template}");
            calls++;
            Assert.DoesNotContain(seeded.Marker, text);
            foreach (var id in seeded.Ids.Values) Assert.DoesNotContain(id, text);
        }

        Assert.Equal(before, await SnapshotAsync(a, seeded));

        // B takes A's ids for its own documents: 201, and each tenant reads its own.
        var b0 = bClients[0];
        await (await b0.PostAsJsonAsync("/investigations", new { investigation_id = seeded.Ids["investigationId"] }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await (await b0.PostAsJsonAsync("/detectors", new { detector_id = seeded.Ids["detectorId"], name = "b", type = "cusum", metrics = new { primary = "m" } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await (await b0.PostAsJsonAsync("/templates", new { template_id = seeded.Ids["templateId"], name = "b" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await (await b0.PostAsJsonAsync("/soar/executions", new { execution_id = seeded.Ids["executionId"], playbook_id = "p" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var mine = await (await b0.GetAsync($"/investigations/{seeded.Ids["investigationId"]}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(seeded.Marker, mine.ToJsonString());
        Assert.Equal(before, await SnapshotAsync(a, seeded));
        TestContext.Current.TestOutputHelper?.WriteLine($"{calls} cross-tenant requests, none saw or changed tenant A");
    }

    private static async Task<TenantA> SeedAsync(HttpClient a)
    {
        var marker = $"secret-{Guid.NewGuid():N}";
        string Id(string kind) => $"{kind}-{Guid.NewGuid():N}";
        var ids = new Dictionary<string, string>
        {
            ["investigationId"] = Id("inv"), ["detectorId"] = Id("det"), ["runId"] = Id("run"), ["anomalyId"] = Id("an"),
            ["templateId"] = Id("tpl"), ["connectionId"] = Id("conn"), ["auditId"] = Id("aud"), ["executionId"] = Id("exe"),
        };
        async Task Created(string url, object body) => await (await a.PostAsJsonAsync(url, body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await Created("/investigations", new { investigation_id = ids["investigationId"], settings = new { name = marker } });
        await Created("/detectors", new { detector_id = ids["detectorId"], name = marker, type = "cusum", metrics = new { primary = "m" } });
        await Created("/detection-runs", new { run_id = ids["runId"], detector_id = ids["detectorId"], window = new { from = "2026-01-01T00:00:00Z", to = "2026-01-02T00:00:00Z" } });
        var anomaly = Api.AnomaliesApiTests.ValidAnomaly(ids["anomalyId"], runId: ids["runId"], detectorId: ids["detectorId"]);
        anomaly["metric"] = marker;
        await Created("/anomalies", anomaly);
        await Created("/templates", new { template_id = ids["templateId"], name = marker });
        await Created("/composio/connections", new { connection_id = ids["connectionId"], toolkit_name = "slack", composio_connection_id = marker, access_token = "t" });
        await Created("/composio/action-audits", new { audit_id = ids["auditId"], action_id = marker, toolkit_name = "slack", action_name = "SEND", connection_id = ids["connectionId"], status = "failed" });
        await Created("/soar/executions", new { execution_id = ids["executionId"], playbook_id = marker, investigation_id = ids["investigationId"] });
        await Created($"/investigations/{ids["investigationId"]}/transaction-scores", new { scores = new[] { new { transaction_id = marker, risk_score = 0.5 } } });
        var views = new List<string>
        {
            $"/investigations/{ids["investigationId"]}", $"/investigations/{ids["investigationId"]}/history", $"/investigations/{ids["investigationId"]}/transaction-scores",
            $"/detectors/{ids["detectorId"]}", $"/detection-runs/{ids["runId"]}", $"/anomalies/{ids["anomalyId"]}", $"/templates/{ids["templateId"]}",
            $"/composio/connections/{ids["connectionId"]}", $"/composio/action-audits/{ids["auditId"]}", $"/soar/executions/{ids["executionId"]}",
        };
        return new TenantA(marker, ids, views);
    }

    /// <summary>A's views as text, without what A's own reads change (last_accessed).</summary>
    private static async Task<string> SnapshotAsync(HttpClient a, TenantA seeded)
    {
        var parts = new List<string>();
        foreach (var view in seeded.Views)
        {
            var node = JsonNode.Parse(await (await a.GetAsync(view, Ct)).Content.ReadAsStringAsync(Ct));
            Strip(node);
            parts.Add($"{view} {node?.ToJsonString()}");
        }
        return string.Join('\n', parts);
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            obj.Remove("last_accessed");
            obj.Remove("etag");
            foreach (var (_, child) in obj.ToList()) Strip(child);
        }
        else if (node is JsonArray array) foreach (var child in array) Strip(child);
    }
}
