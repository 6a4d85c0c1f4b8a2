using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>An investigation's sub-resources answer under the frontend's prefix too (Decision 9).</summary>
public sealed class InvestigationAliasRoutesTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Transaction_scores_and_soar_executions_are_served_under_both_prefixes()
    {
        var client = fixture.Factory.CreateClient($"t-{Guid.NewGuid():N}", "u1");
        var id = $"inv-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/investigations", new { investigation_id = id }, Ct)).StatusCode);

        var stored = await client.PostAsJsonAsync($"/api/v1/investigation-state/{id}/transaction-scores",
            new { scores = new[] { new { transaction_id = "tx-1", risk_score = 0.42 } } }, Ct);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);

        foreach (var prefix in new[] { "/investigations", "/api/v1/investigation-state" })
        {
            var distribution = await client.GetFromJsonAsync<JsonObject>($"{prefix}/{id}/transaction-scores/distribution", Ct);
            Assert.Equal(1, (int)distribution!["total"]!);
            var executions = await client.GetAsync($"{prefix}/{id}/soar-executions", Ct);
            Assert.Equal(HttpStatusCode.OK, executions.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/investigation-state/no-such-{id}/transaction-scores", Ct)).StatusCode);
    }
}
