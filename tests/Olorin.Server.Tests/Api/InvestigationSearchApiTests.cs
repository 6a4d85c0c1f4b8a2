using System.Net;
using System.Net.Http.Json;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class InvestigationSearchApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly HttpClient _client = fixture.Factory.CreateClient($"tenant-{Guid.NewGuid():N}", "alice");
    private readonly HttpClient _otherTenant = fixture.Factory.CreateClient($"other-{Guid.NewGuid():N}", "bob");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateAsync(HttpClient client, string name, string summary, params string[] findings)
    {
        var body = new
        {
            settings = new { name },
            results = new { summary, findings = findings.Select(f => new { description = f }).ToArray() },
        };
        var created = await (await client.PostAsJsonAsync("/investigations", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        return created["investigation_id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_word_in_a_finding_ranks_that_investigation_first()
    {
        var target = await CreateAsync(_client, "Account review", "Routine review", "Chargeback cluster from a reshipping mule network");
        var weaker = await CreateAsync(_client, "Mule overview", "General checks");
        await CreateAsync(_client, "Login anomalies", "Password spraying", "Many failed logins");
        await CreateAsync(_otherTenant, "Reshipping ring", "Reshipping reshipping", "reshipping mule network reshipping");

        var response = await (await _client.GetAsync("/investigations/search?q=reshipping", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var items = response["investigations"]!.AsArray();
        Assert.Equal(target, Assert.Single(items)!["investigation_id"]!.GetValue<string>());
        Assert.True(items[0]!["rank"]!.GetValue<double>() > 0);
        Assert.False(items[0]!.AsObject().ContainsKey("tenant_id"));
        Assert.Equal(1, response["totalCount"]!.GetValue<long>());

        var both = await (await _client.GetAsync("/investigations/search?q=mule", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var ids = both["investigations"]!.AsArray().Select(i => i!["investigation_id"]!.GetValue<string>()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains(target, ids);
        Assert.Contains(weaker, ids);
        var ranks = both["investigations"]!.AsArray().Select(i => i!["rank"]!.GetValue<double>()).ToList();
        Assert.True(ranks[0] >= ranks[1], "best match first");
    }

    [Fact]
    public async Task Search_pages_and_is_served_under_the_frontend_path_too()
    {
        for (var i = 0; i < 3; i++) await CreateAsync(_client, $"Velocity case {i}", "Card velocity spike", "velocity");

        var page = await (await _client.GetAsync("/api/v1/investigation-state/search?q=velocity&page=2&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Single(page["investigations"]!.AsArray());
        Assert.Equal(3, page["totalCount"]!.GetValue<long>());
        Assert.Equal(2, page["page"]!.GetValue<int>());
        Assert.Equal(2, page["pageSize"]!.GetValue<int>());
        Assert.False(page["hasNextPage"]!.GetValue<bool>());
        Assert.True(page["hasPreviousPage"]!.GetValue<bool>());
        Assert.False(page["moreMatches"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_term_in_more_documents_than_are_ranked_counts_the_ranked_ones_and_says_there_are_more()
    {
        var tenant = $"many-{Guid.NewGuid():N}";
        var client = fixture.Factory.CreateClient(tenant, "alice");
        var first = await CreateAsync(client, "Overflow ring", "Overflow summary");
        // 1,000 copies of it in SQL (one statement; 1,001 POSTs would take most of a minute here).
        await using (var connection = new Npgsql.NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var copy = new Npgsql.NpgsqlCommand(
                """
                INSERT INTO investigation_states (investigation_id, user_id, tenant_id, lifecycle_stage, status, settings, progress,
                                                  results, version, created_at, updated_at, last_accessed, metadata)
                SELECT investigation_id || '-' || g, user_id, tenant_id, lifecycle_stage, status, settings, progress,
                       results, version, created_at, updated_at, last_accessed, metadata
                FROM investigation_states, generate_series(1, 1000) AS g WHERE tenant_id = $1 AND investigation_id = $2
                """, connection);
            copy.Parameters.AddWithValue(tenant);
            copy.Parameters.AddWithValue(first);
            Assert.Equal(1000, await copy.ExecuteNonQueryAsync(Ct));
        }

        var page = await (await client.GetAsync("/investigations/search?q=overflow&page=50&page_size=20", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1000, page["totalCount"]!.GetValue<long>()); // the ranked (pageable) matches
        Assert.True(page["moreMatches"]!.GetValue<bool>());       // 1,001 matched
        Assert.Equal(20, page["investigations"]!.AsArray().Count);
        Assert.False(page["hasNextPage"]!.GetValue<bool>());
    }

    // The first case also shows the literal route wins over /{investigationId} (no investigation may be called "search").
    [Theory]
    [InlineData("/investigations/search", "q")]
    [InlineData("/investigations/search?q=", "q")]
    [InlineData("/investigations/search?q=%20%20", "q")]
    [InlineData("/investigations/search?q=fraud&page_size=101", "page_size")]
    [InlineData("/api/v1/investigation-state/search?q=fraud&page=0", "page")]
    public async Task Invalid_search_is_400(string url, string field)
    {
        var problem = await (await _client.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Query_longer_than_500_characters_is_400()
    {
        var problem = await (await _client.GetAsync($"/investigations/search?q={new string('a', 501)}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["q"]);
    }
}
