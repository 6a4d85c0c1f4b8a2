using System.Net;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Host;

public sealed class HostEndpointsTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_reports_every_check_by_name_with_durations()
    {
        var body = await (await fixture.Factory.CreateClient().GetAsync("/health", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        Assert.NotNull(body["total_duration_ms"]);
        var postgres = Assert.Single(body["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "postgres")!;
        Assert.Equal("Healthy", postgres["status"]!.GetValue<string>());
        Assert.NotNull(postgres["duration_ms"]);
        Assert.False(string.IsNullOrEmpty(postgres["description"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Liveness_and_readiness_are_200_when_the_database_answers(string path)
        => await (await fixture.Factory.CreateClient().GetAsync(path, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task Status_names_the_postgres_backend()
    {
        var body = await (await fixture.Factory.CreateClient().GetAsync("/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("postgres", body["backend"]!.GetValue<string>());
        Assert.False(body["enable_mongodb"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(body["version"]!.GetValue<string>()));
        Assert.True(body["uptime_seconds"]!.GetValue<double>() >= 0);
        Assert.NotNull(body["started_at"]);
        Assert.Equal(OlorinApiFactory.Environment, body["environment"]!.GetValue<string>());
        Assert.True(body.ContainsKey("fallback_reason"));
        Assert.Null(body["fallback_reason"]);
    }

    [Fact]
    public async Task Swagger_serves_the_ui_and_a_document_with_the_investigation_routes()
    {
        var client = fixture.Factory.CreateClient();
        var ui = await client.GetAsync("/swagger", Ct); // redirects to the UI's index.html
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("swagger-ui", await ui.Content.ReadAsStringAsync(Ct));

        var document = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", Ct))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/investigations", paths.Select(p => p.TrimEnd('/')));
        Assert.Contains("/investigations/{investigationId}/history", paths);
        Assert.Contains("/api/v1/investigation-state/{investigationId}", paths);
        Assert.Contains("/status", paths);
        var response = document["components"]!["schemas"]!["InvestigationResponse"]!["properties"]!.AsObject();
        Assert.Contains("investigation_id", response.Select(p => p.Key)); // described with the wire (snake_case) names
        Assert.DoesNotContain("tenant_id", response.Select(p => p.Key));
        // The fixed-shape objects accept and keep members beyond the listed ones (Decision 12).
        foreach (var name in new[] { "DetectionWindow", "DetectionRunInfo", "AnomalyWindow", "TemplateBody", "SoarActionResult", "ScoreComponents" })
        {
            var schema = document["components"]!["schemas"]![name]!;
            Assert.NotNull(schema["additionalProperties"]);
            Assert.Contains("kept and returned exactly as sent", schema["description"]!.GetValue<string>());
            Assert.DoesNotContain("unknown_members", schema["properties"]!.AsObject().Select(p => p.Key));
        }
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems()
        => await (await fixture.Factory.CreateClient().GetAsync("/no-such-thing", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
}
