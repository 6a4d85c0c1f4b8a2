using Olorin.Core.Models;
using Olorin.Core.Ports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Persistence.Postgres;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The 10-bucket distribution is read from transaction_score_buckets, which triggers maintain: after inserts,
/// skipped duplicates, verbatim replacements and deletes it must equal the distribution computed from the scores.
/// </summary>
public sealed class PostgresScoreHistogramTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_maintained_distribution_equals_the_scores_after_every_kind_of_write()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var scores = fixture.Shared.Repo<ITransactionScoreRepository>();
        TransactionScore Score(string inv, string id, double risk) => new() { TenantId = tenant, InvestigationId = inv, TransactionId = id, RiskScore = risk, CreatedAt = DateTime.UtcNow };

        await scores.InsertManyAsync(tenant, Enumerable.Range(0, 101).Select(i => Score("inv-1", $"t{i}", i / 100.0)).ToList(), Ct);
        await AssertMatchesAsync(scores, tenant, "inv-1");
        Assert.Equal(0, await scores.InsertManyAsync(tenant, [Score("inv-1", "t5", 0.99)], Ct)); // skipped: unchanged
        await AssertMatchesAsync(scores, tenant, "inv-1");
        await scores.BulkUpsertAsync([Score("inv-1", "t5", 0.99), Score("inv-1", "t6", 1.0), Score("inv-2", "u1", 0.3)], Ct); // replaced and new
        await AssertMatchesAsync(scores, tenant, "inv-1");
        await AssertMatchesAsync(scores, tenant, "inv-2");
        Assert.Equal(1, (await scores.GetDistributionAsync(tenant, "inv-2", 10, Ct)).Sum(b => b.Count));

        await scores.DeleteByInvestigationAsync(tenant, "inv-1", Ct);
        Assert.All(await scores.GetDistributionAsync(tenant, "inv-1", 10, Ct), b => Assert.Equal(0, b.Count));
        Assert.Equal(1, (await scores.GetDistributionAsync(tenant, "inv-2", 10, Ct)).Sum(b => b.Count));
    }

    [Fact]
    public async Task Opposite_moves_in_one_investigation_at_the_same_time_keep_the_distribution_exact()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        TransactionScore Score(string id, double risk) => new() { TenantId = tenant, InvestigationId = "inv", TransactionId = id, RiskScore = risk, CreatedAt = DateTime.UtcNow };
        List<TransactionScore> Set(string prefix, double risk) => Enumerable.Range(0, 50).Select(i => Score($"{prefix}{i}", risk)).ToList();
        await fixture.Shared.Repo<ITransactionScoreRepository>().BulkUpsertAsync([.. Set("a", 0.35), .. Set("b", 0.55)], Ct);

        for (var round = 0; round < 10; round++)
        {
            var (aRisk, bRisk) = round % 2 == 0 ? (0.55, 0.35) : (0.35, 0.55);
            // Bucket 3 → 5 and 5 → 3 in two concurrent statements (the update trigger upserts the net change in key order).
            await Task.WhenAll(
                fixture.Shared.Repo<ITransactionScoreRepository>().BulkUpsertAsync(Set("a", aRisk), Ct),
                fixture.Shared.Repo<ITransactionScoreRepository>().BulkUpsertAsync(Set("b", bRisk), Ct));
        }

        await AssertMatchesAsync(fixture.Shared.Repo<ITransactionScoreRepository>(), tenant, "inv");
    }

    [Fact]
    public async Task A_truncate_resets_the_maintained_counts_and_totals()
    {
        await using var store = await fixture.CreateIsolatedStoreAsync();
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var scores = store.Repo<ITransactionScoreRepository>();
        await scores.InsertManyAsync(tenant, Enumerable.Range(0, 5).Select(i => new TransactionScore { TenantId = tenant, InvestigationId = "inv", TransactionId = $"t{i}", RiskScore = 0.5, CreatedAt = DateTime.UtcNow }).ToList(), Ct);

        await using (var scope = store.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<OlorinDbContext>().Database.ExecuteSqlRawAsync("TRUNCATE transaction_scores", Ct);

        var page = await store.Repo<ITransactionScoreRepository>().ListByInvestigationAsync(tenant, "inv", null, new Olorin.Core.Paging.PageRequest(1, 10), Ct);
        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
        Assert.All(await store.Repo<ITransactionScoreRepository>().GetDistributionAsync(tenant, "inv", 10, Ct), b => Assert.Equal(0, b.Count));
    }

    /// <summary>The maintained buckets against the scores read back and bucketed here (i/10 ≤ score &lt; (i+1)/10, 1 in the last).</summary>
    private static async Task AssertMatchesAsync(ITransactionScoreRepository scores, string tenant, string investigation)
    {
        var page = await scores.ListByInvestigationAsync(tenant, investigation, null, new Olorin.Core.Paging.PageRequest(1, 100), Ct);
        var all = new List<TransactionScore>(page.Items);
        for (var p = 2; all.Count < page.TotalCount; p++)
            all.AddRange((await scores.ListByInvestigationAsync(tenant, investigation, null, new Olorin.Core.Paging.PageRequest(p, 100), Ct)).Items);
        var expected = Enumerable.Range(0, 10).Select(i => (long)all.Count(s => Math.Min((int)Math.Floor(s.RiskScore * 10), 9) == i)).ToArray();

        var maintained = await scores.GetDistributionAsync(tenant, investigation, 10, Ct);

        Assert.Equal(expected, maintained.Select(b => b.Count).ToArray());
    }
}
