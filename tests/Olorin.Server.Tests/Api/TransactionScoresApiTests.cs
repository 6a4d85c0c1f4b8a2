using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class TransactionScoresApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"t2-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null) => fixture.Factory.CreateClient(tenant ?? _tenant, "u1");

    private async Task<string> CreateInvestigationAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/investigations", new { }, Ct);
        return (await response.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
    }

    private static object Score(string transactionId, double risk) => new { transaction_id = transactionId, risk_score = risk };

    [Fact]
    public async Task Ten_thousand_scores_are_stored_in_one_request_and_repeating_it_changes_nothing()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        var scores = Enumerable.Range(0, 10_000).Select(i => new
        {
            transaction_id = $"txn-{i:D6}",
            risk_score = i / 9_999.0,
            score_components = new { device_risk = 0.1, location_risk = 0.2, velocity_risk = 0.3, network_risk = 0.4 },
        }).ToArray();

        var first = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores }, Ct);
        var created = await first.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(10_000, created["inserted"]!.GetValue<int>());
        Assert.Equal(10_000, created["total"]!.GetValue<long>());

        var second = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores }, Ct);
        var repeated = await second.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, repeated["inserted"]!.GetValue<int>());
        Assert.Equal(10_000, repeated["total"]!.GetValue<long>());

        var list = await (await client.GetAsync($"/investigations/{id}/transaction-scores?page_size=1", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(10_000, list["totalCount"]!.GetValue<long>());
        var top = list["transaction_scores"]![0]!;
        Assert.Equal("txn-009999", top["transaction_id"]!.GetValue<string>());
        Assert.Equal(0.4, top["score_components"]!["network_risk"]!.GetValue<double>());
    }

    [Fact]
    public async Task Deleting_the_investigation_deletes_its_scores_so_a_new_one_with_that_id_starts_empty()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        await (await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores = new[] { Score("a", 0.2), Score("b", 0.9) } }, Ct))
            .AssertJsonAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/investigations/{id}", Ct)).StatusCode);
        await (await client.GetAsync($"/investigations/{id}/transaction-scores", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        await (await client.PostAsJsonAsync("/investigations", new { investigation_id = id }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var list = await (await client.GetAsync($"/investigations/{id}/transaction-scores", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, list["totalCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_repeated_batch_with_new_scores_inserts_only_the_new_ones_and_keeps_the_stored_values()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores = new[] { Score("a", 0.2) } }, Ct);

        var response = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores = new[] { Score("a", 0.9), Score("b", 0.5) } }, Ct);
        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, body["inserted"]!.GetValue<int>());
        Assert.Equal(2, body["total"]!.GetValue<long>());

        var list = await (await client.GetAsync($"/investigations/{id}/transaction-scores", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var a = list["transaction_scores"]!.AsArray().Single(s => s!["transaction_id"]!.GetValue<string>() == "a")!;
        Assert.Equal(0.2, a["risk_score"]!.GetValue<double>());
    }

    [Fact]
    public async Task More_than_ten_thousand_scores_or_none_is_a_400()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        var tooMany = Enumerable.Range(0, 10_001).Select(i => Score($"t{i}", 0.5)).ToArray();

        var over = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores = tooMany }, Ct);
        var problem = await over.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("10000", problem["errors"]!["scores"]![0]!.GetValue<string>());

        var empty = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores = Array.Empty<object>() }, Ct);
        Assert.NotNull((await empty.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["scores"]);

        var missing = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { }, Ct);
        Assert.NotNull((await missing.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["scores"]);

        var count = await (await client.GetAsync($"/investigations/{id}/transaction-scores", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, count["totalCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task Scores_outside_0_to_1_missing_fields_and_repeated_transactions_are_400s_naming_each_field()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        var body = new
        {
            scores = new object[]
            {
                new { transaction_id = "ok", risk_score = 1.0 },
                new { transaction_id = "high", risk_score = 1.5 },
                new { transaction_id = "component", risk_score = 0.5, score_components = new { device_risk = -0.1 } },
                new { risk_score = 0.5 },
                new { transaction_id = "no-risk" },
                new { transaction_id = "ok", risk_score = 0.1 },
            },
        };

        var response = await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", body, Ct);
        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.Equal(
            ["scores[1].risk_score", "scores[2].score_components.device_risk", "scores[3].transaction_id", "scores[4].risk_score", "scores[5].transaction_id"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        var count = await (await client.GetAsync($"/investigations/{id}/transaction-scores", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, count["totalCount"]!.GetValue<long>()); // nothing of an invalid batch is stored
    }

    [Fact]
    public async Task Every_route_is_404_for_a_missing_investigation_or_one_of_another_tenant()
    {
        var id = await CreateInvestigationAsync(Client());
        var other = Client(_otherTenant);
        var batch = new { scores = new[] { Score("x", 0.5) } };

        await (await other.PostAsJsonAsync($"/investigations/{id}/transaction-scores", batch, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/investigations/{id}/transaction-scores", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/investigations/{id}/transaction-scores/distribution", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client().PostAsJsonAsync("/investigations/no-such-investigation/transaction-scores", batch, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_list_is_highest_risk_first_filtered_by_min_risk_and_paged()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        var scores = new[] { Score("a", 0.1), Score("b", 0.9), Score("c", 0.5), Score("d", 0.7), Score("e", 0.3) };
        await (await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores }, Ct)).AssertJsonAsync(HttpStatusCode.Created);

        var first = await (await client.GetAsync($"/investigations/{id}/transaction-scores?min_risk=0.3&page=1&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["b", "d"], first["transaction_scores"]!.AsArray().Select(s => s!["transaction_id"]!.GetValue<string>()));
        Assert.Equal(4, first["totalCount"]!.GetValue<long>());
        Assert.Equal(1, first["page"]!.GetValue<int>());
        Assert.Equal(2, first["pageSize"]!.GetValue<int>());
        Assert.True(first["hasNextPage"]!.GetValue<bool>());
        Assert.False(first["hasPreviousPage"]!.GetValue<bool>());

        var second = await (await client.GetAsync($"/investigations/{id}/transaction-scores?min_risk=0.3&page=2&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["c", "e"], second["transaction_scores"]!.AsArray().Select(s => s!["transaction_id"]!.GetValue<string>()));
        Assert.False(second["hasNextPage"]!.GetValue<bool>());
        Assert.True(second["hasPreviousPage"]!.GetValue<bool>());
        Assert.False(second["transaction_scores"]![0]!.AsObject().ContainsKey("tenant_id"));
    }

    [Theory]
    [InlineData("min_risk=1.5")]
    [InlineData("min_risk=-0.1")]
    [InlineData("page_size=101")]
    [InlineData("page_size=0")]
    [InlineData("page=0")]
    public async Task Out_of_range_list_parameters_are_400s(string query)
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        var problem = await (await client.GetAsync($"/investigations/{id}/transaction-scores?{query}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![query.Split('=')[0]]);
    }

    [Fact]
    public async Task The_distribution_has_ten_buckets_over_0_to_1_and_the_last_one_holds_a_score_of_1()
    {
        var client = Client();
        var id = await CreateInvestigationAsync(client);
        var scores = new[] { Score("a", 0.0), Score("b", 0.05), Score("c", 0.1), Score("d", 0.95), Score("e", 1.0) };
        await (await client.PostAsJsonAsync($"/investigations/{id}/transaction-scores", new { scores }, Ct)).AssertJsonAsync(HttpStatusCode.Created);

        var body = await (await client.GetAsync($"/investigations/{id}/transaction-scores/distribution", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var buckets = body["buckets"]!.AsArray();
        Assert.Equal(10, buckets.Count);
        Assert.Equal(0.0, buckets[0]!["from"]!.GetValue<double>());
        Assert.Equal(0.1, buckets[0]!["to"]!.GetValue<double>());
        Assert.Equal(1.0, buckets[9]!["to"]!.GetValue<double>());
        Assert.Equal([2L, 1, 0, 0, 0, 0, 0, 0, 0, 2], buckets.Select(b => b!["count"]!.GetValue<long>()));
        Assert.Equal(5, body["total"]!.GetValue<long>());
    }
}
