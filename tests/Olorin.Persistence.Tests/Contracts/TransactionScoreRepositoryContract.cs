using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class TransactionScoreRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private static readonly DateTime T0 = new(2026, 2, 3, 4, 5, 6, 789, DateTimeKind.Utc);

    private ITransactionScoreRepository Scores => Repo<ITransactionScoreRepository>();

    // ---- insert / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Every_field_round_trips_and_the_tenant_is_the_one_given()
    {
        var investigation = NewId("inv");
        var full = Score("tenant-in-document-is-ignored", investigation, "tx-full", 0.875, components: true);
        var bare = Score(Tenant, investigation, "tx-bare", 0.125);

        var inserted = await Scores.InsertManyAsync(Tenant, [full, bare], Ct);

        Assert.Equal(2, inserted);
        var expectedFull = Score(Tenant, investigation, "tx-full", 0.875, components: true);
        var stored = await Scores.GetAsync(Tenant, investigation, "tx-full", Ct);
        AssertSameDocument(expectedFull, stored);
        AssertKeptAsSent(Unknown("components"), stored!.ScoreComponents!.UnknownMembers);
        AssertSameDocument(Score(Tenant, investigation, "tx-bare", 0.125), await Scores.GetAsync(Tenant, investigation, "tx-bare", Ct));
    }

    [Fact]
    public async Task A_score_without_created_at_is_stamped_with_now()
    {
        var investigation = NewId("inv");
        var before = Now();

        await Scores.InsertManyAsync(Tenant, [new TransactionScore { InvestigationId = investigation, TransactionId = "tx", RiskScore = 0.5 }], Ct);

        var stored = await Scores.GetAsync(Tenant, investigation, "tx", Ct);
        Assert.InRange(stored!.CreatedAt, before, Now());
        Assert.Equal(DateTimeKind.Utc, stored.CreatedAt.Kind);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_key_and_for_another_tenants_score()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "tx", 0.5)], Ct);

        Assert.Null(await Scores.GetAsync(Tenant, investigation, "tx-missing", Ct));
        Assert.Null(await Scores.GetAsync(Tenant, NewId("inv"), "tx", Ct));
        Assert.Null(await Scores.GetAsync(OtherTenant, investigation, "tx", Ct));
    }

    [Fact]
    public async Task Inserting_10000_scores_twice_stores_them_once()
    {
        var investigation = NewId("inv");
        var scores = Enumerable.Range(0, 10_000)
            .Select(i => Score(Tenant, investigation, $"tx-{i:D5}", i / 10_000.0, components: i % 2 == 0))
            .ToList();

        var first = await Scores.InsertManyAsync(Tenant, scores, Ct);
        var second = await Scores.InsertManyAsync(Tenant, scores, Ct);

        Assert.Equal(10_000, first);
        Assert.Equal(0, second);
        Assert.Equal(10_000, await Scores.CountByInvestigationAsync(Tenant, investigation, Ct));
        AssertSameDocument(scores[9_998], await Scores.GetAsync(Tenant, investigation, "tx-09998", Ct));
    }

    [Fact]
    public async Task Insert_leaves_stored_keys_untouched_and_counts_only_the_new_ones()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "tx-1", 0.1), Score(Tenant, investigation, "tx-2", 0.2)], Ct);

        var inserted = await Scores.InsertManyAsync(Tenant,
            [Score(Tenant, investigation, "tx-2", 0.99), Score(Tenant, investigation, "tx-3", 0.3), Score(Tenant, investigation, "tx-3", 0.33)], Ct);

        Assert.Equal(1, inserted);
        Assert.Equal(0.2, (await Scores.GetAsync(Tenant, investigation, "tx-2", Ct))!.RiskScore);
        Assert.Equal(0.3, (await Scores.GetAsync(Tenant, investigation, "tx-3", Ct))!.RiskScore);
        Assert.Equal(3, await Scores.CountByInvestigationAsync(Tenant, investigation, Ct));
    }

    [Fact]
    public async Task Insert_never_touches_another_tenants_score_with_the_same_key_and_stores_its_own()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(OtherTenant, [Score(OtherTenant, investigation, "tx", 0.75)], Ct);

        var inserted = await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "tx", 0.25)], Ct);

        // Keys are (tenant_id, investigation_id, transaction_id): the same ids in another tenant are another score.
        Assert.Equal(1, inserted);
        Assert.Equal(0.25, (await Scores.GetAsync(Tenant, investigation, "tx", Ct))!.RiskScore);
        var theirs = await Scores.GetAsync(OtherTenant, investigation, "tx", Ct);
        Assert.Equal(0.75, theirs!.RiskScore);
        Assert.Equal(OtherTenant, theirs.TenantId);
    }

    [Fact]
    public async Task Inserting_nothing_inserts_nothing()
        => Assert.Equal(0, await Scores.InsertManyAsync(Tenant, [], Ct));

    // ---- list / count / delete ----------------------------------------------------------------------------

    [Fact]
    public async Task List_is_highest_risk_first_then_transaction_id_and_pages()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant,
        [
            Score(Tenant, investigation, "tx-c", 0.4), Score(Tenant, investigation, "tx-b", 0.9),
            Score(Tenant, investigation, "tx-a", 0.9), Score(Tenant, investigation, "tx-d", 0.1),
            Score(Tenant, investigation, "tx-e", 0.0), Score(Tenant, NewId("inv"), "tx-f", 1.0),
        ], Ct);

        var first = await Scores.ListByInvestigationAsync(Tenant, investigation, null, new PageRequest(1, 2), Ct);
        var third = await Scores.ListByInvestigationAsync(Tenant, investigation, null, new PageRequest(3, 2), Ct);

        Assert.Equal(["tx-a", "tx-b"], first.Items.Select(x => x.TransactionId));
        Assert.Equal(5, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.Equal(["tx-e"], third.Items.Select(x => x.TransactionId));
        Assert.False(third.HasNextPage);
        Assert.True(third.HasPreviousPage);
    }

    [Fact]
    public async Task List_with_a_minimum_risk_keeps_scores_at_or_above_it()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant,
            [Score(Tenant, investigation, "tx-low", 0.49), Score(Tenant, investigation, "tx-edge", 0.5), Score(Tenant, investigation, "tx-high", 0.8)], Ct);

        var page = await Scores.ListByInvestigationAsync(Tenant, investigation, 0.5, new PageRequest(), Ct);

        Assert.Equal(["tx-high", "tx-edge"], page.Items.Select(x => x.TransactionId));
        Assert.Equal(2, page.TotalCount);
        Assert.False(page.HasNextPage);
    }

    [Fact]
    public async Task List_count_and_delete_of_another_tenant_see_nothing()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "tx-1", 0.3), Score(Tenant, investigation, "tx-2", 0.6)], Ct);

        var page = await Scores.ListByInvestigationAsync(OtherTenant, investigation, null, new PageRequest(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
        Assert.Equal(0, await Scores.CountByInvestigationAsync(OtherTenant, investigation, Ct));
        Assert.Equal(0, await Scores.DeleteByInvestigationAsync(OtherTenant, investigation, Ct));
        Assert.Equal(2, await Scores.CountByInvestigationAsync(Tenant, investigation, Ct));
    }

    [Fact]
    public async Task Delete_removes_only_the_investigations_scores_and_returns_how_many()
    {
        var investigation = NewId("inv");
        var other = NewId("inv");
        await Scores.InsertManyAsync(Tenant,
            [Score(Tenant, investigation, "tx-1", 0.3), Score(Tenant, investigation, "tx-2", 0.6), Score(Tenant, other, "tx-1", 0.6)], Ct);

        Assert.Equal(2, await Scores.CountByInvestigationAsync(Tenant, investigation, Ct));
        Assert.Equal(2, await Scores.DeleteByInvestigationAsync(Tenant, investigation, Ct));
        Assert.Equal(0, await Scores.CountByInvestigationAsync(Tenant, investigation, Ct));
        Assert.Equal(1, await Scores.CountByInvestigationAsync(Tenant, other, Ct));
        Assert.Equal(0, await Scores.DeleteByInvestigationAsync(Tenant, investigation, Ct));
    }

    // ---- distribution -------------------------------------------------------------------------------------

    [Fact]
    public async Task Distribution_has_equal_width_buckets_with_0_in_the_first_and_1_in_the_closed_last()
    {
        var investigation = NewId("inv");
        double[] risks = [0.0, 0.05, 0.25, 0.5, 0.74, 0.75, 0.99, 1.0];
        await Scores.InsertManyAsync(Tenant, risks.Select((r, i) => Score(Tenant, investigation, $"tx-{i}", r)).ToList(), Ct);
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, NewId("inv"), "tx-elsewhere", 0.1)], Ct);

        var buckets = await Scores.GetDistributionAsync(Tenant, investigation, 4, Ct);

        Assert.Equal(
            [new RiskBucket(0, 0.25, 2), new RiskBucket(0.25, 0.5, 1), new RiskBucket(0.5, 0.75, 2), new RiskBucket(0.75, 1, 3)],
            buckets);
    }

    [Fact]
    public async Task Distribution_returns_every_bucket_even_when_empty_and_for_another_tenant()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "tx", 0.95)], Ct);

        var mine = await Scores.GetDistributionAsync(Tenant, investigation, 10, Ct);
        var theirs = await Scores.GetDistributionAsync(OtherTenant, investigation, 10, Ct);

        Assert.Equal(10, mine.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i == 9 ? 1L : 0L), mine.Select(b => b.Count));
        Assert.Equal(0.0, mine[0].From);
        Assert.Equal(1.0, mine[^1].To);
        Assert.All(mine.Zip(mine.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        Assert.Equal(10, theirs.Count);
        Assert.All(theirs, b => Assert.Equal(0, b.Count));
    }

    [Fact]
    public async Task Distribution_with_one_bucket_counts_everything()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "a", 0), Score(Tenant, investigation, "b", 0.5), Score(Tenant, investigation, "c", 1)], Ct);

        Assert.Equal([new RiskBucket(0, 1, 3)], await Scores.GetDistributionAsync(Tenant, investigation, 1, Ct));
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_across_batches_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<ITransactionScoreRepository>();
        // Ordinal order on tenant_id, then investigation_id, then transaction_id: upper case < "_" < lower case.
        await repo.InsertManyAsync(Tenant, Enumerable.Range(0, 1_200).Select(i => Score(Tenant, "inv-a", $"tx-{i:D4}", 0.5)).ToList(), Ct);
        await repo.InsertManyAsync(OtherTenant, [Score(OtherTenant, "inv-B", "tx-b", 0.1), Score(OtherTenant, "inv-B", "tx-B", 0.2), Score(OtherTenant, "inv-_", "tx", 0.3)], Ct);

        var all = await repo.ExportAsync(cancellationToken: Ct).Select(repo.KeyOf).ToListAsync(Ct);

        // OtherTenant ("other-…") sorts before Tenant ("tenant-…").
        TransactionScoreKey[] head = [new(OtherTenant, "inv-B", "tx-B"), new(OtherTenant, "inv-B", "tx-b"), new(OtherTenant, "inv-_", "tx"), new(Tenant, "inv-a", "tx-0000")];
        Assert.Equal(1_203, all.Count);
        Assert.Equal(head, all.Take(4));
        Assert.Equal(new TransactionScoreKey(Tenant, "inv-a", "tx-1199"), all[^1]);
        Assert.Equal(all.Order(), all);
        Assert.Equal(1_203, await repo.CountAllAsync(Ct));

        var resumed = await repo.ExportAsync(new TransactionScoreKey(OtherTenant, "inv-B", "tx-b"), Ct).Select(repo.KeyOf).ToListAsync(Ct);
        Assert.Equal(all.Skip(2), resumed);
        Assert.Equal(all.Skip(1_000), await repo.ExportAsync(all[999], Ct).Select(repo.KeyOf).ToListAsync(Ct));
        Assert.Empty(await repo.ExportAsync(all[^1], Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var investigation = NewId("inv");
        await Scores.InsertManyAsync(Tenant, [Score(Tenant, investigation, "tx-1", 0.2)], Ct);
        var replacement = Score(Tenant, investigation, "tx-1", 0.9, components: true);
        replacement.CreatedAt = new DateTime(2020, 5, 6, 7, 8, 9, 10, DateTimeKind.Utc);
        var fresh = Score(OtherTenant, investigation, "tx-2", 0.4, components: true);

        var written = await Scores.BulkUpsertAsync([replacement, fresh], Ct);

        Assert.Equal(2, written);
        AssertSameDocument(replacement, await Scores.GetAsync(Tenant, investigation, "tx-1", Ct));
        AssertSameDocument(fresh, await Scores.GetAsync(OtherTenant, investigation, "tx-2", Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static TransactionScore Score(string tenant, string investigationId, string transactionId, double risk, bool components = false) => new()
    {
        InvestigationId = investigationId,
        TransactionId = transactionId,
        TenantId = tenant,
        RiskScore = risk,
        ScoreComponents = components
            ? new ScoreComponents { DeviceRisk = 0.5, LocationRisk = 0.25, VelocityRisk = 1, NetworkRisk = null, UnknownMembers = Unknown("components") }
            : null,
        CreatedAt = T0,
    };
}
