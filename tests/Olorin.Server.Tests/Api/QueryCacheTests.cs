using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class QueryCacheOffFixture : PostgresApiFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["ENABLE_QUERY_CACHE"] = "false";
}

/// <summary>
/// The score distribution through ENABLE_QUERY_CACHE: a write that bypasses the server (as another instance's would)
/// shows up only when the cache is off, or after a local write drops the tenant's cached statistics.
/// </summary>
public abstract class QueryCacheTests(PostgresApiFixture fixture, bool cacheOn)
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_distribution_is_cached_until_a_local_write_to_the_tenants_scores_or_not_at_all_when_off()
    {
        var client = fixture.Factory.CreateClient(_tenant, "alice");
        var investigation = (await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
        var scores = $"/investigations/{investigation}/transaction-scores";
        await (await client.PostAsJsonAsync(scores, new { scores = new[] { new { transaction_id = "t1", risk_score = 0.05 } } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, await TotalAsync(client, scores));

        // Another writer (no request to this server).
        using (var scope = fixture.Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<ITransactionScoreRepository>().InsertManyAsync(
                _tenant, [new TransactionScore { InvestigationId = investigation, TransactionId = "t2", RiskScore = 0.95 }], Ct);

        Assert.Equal(cacheOn ? 1 : 2, await TotalAsync(client, scores));

        await (await client.PostAsJsonAsync(scores, new { scores = new[] { new { transaction_id = "t3", risk_score = 0.5 } } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(3, await TotalAsync(client, scores));
    }

    [Fact]
    public async Task A_read_of_the_investigations_group_keeps_the_cached_distribution_and_a_write_to_it_drops_it()
    {
        var client = fixture.Factory.CreateClient(_tenant, "alice");
        var investigation = (await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
        var scores = $"/investigations/{investigation}/transaction-scores";
        await (await client.PostAsJsonAsync(scores, new { scores = new[] { new { transaction_id = "t1", risk_score = 0.05 } } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, await TotalAsync(client, scores));

        using (var scope = fixture.Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<ITransactionScoreRepository>().InsertManyAsync(
                _tenant, [new TransactionScore { InvestigationId = investigation, TransactionId = "t2", RiskScore = 0.95 }], Ct);

        // GET endpoints of the group carry no invalidation filter at all (StatsInvalidation): the cache stays.
        await (await client.GetAsync($"/investigations/{investigation}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(cacheOn ? 1 : 2, await TotalAsync(client, scores));

        // A write to the investigations group (it invalidates the scores' statistics: a DELETE removes scores).
        await (await client.PatchAsJsonAsync($"/investigations/{investigation}", new { version = 1, status = "COMPLETED" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, await TotalAsync(client, scores));
    }

    private static async Task<long> TotalAsync(HttpClient client, string scores)
        => (await (await client.GetAsync($"{scores}/distribution", Ct)).AssertJsonAsync(HttpStatusCode.OK))["total"]!.GetValue<long>();
}

public sealed class QueryCacheOnTests(PostgresApiFixture fixture) : QueryCacheTests(fixture, cacheOn: true), IClassFixture<PostgresApiFixture>;

public sealed class QueryCacheOffTests(QueryCacheOffFixture fixture) : QueryCacheTests(fixture, cacheOn: false), IClassFixture<QueryCacheOffFixture>;
