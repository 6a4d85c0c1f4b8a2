using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Transitions;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class AnomalyEventRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private const int Dimensions = 384;

    private IAnomalyEventRepository Anomalies => Repo<IAnomalyEventRepository>();

    // ---- create / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Create_sets_created_at_to_now_unless_given_and_every_field_round_trips()
    {
        var before = Now();
        var unset = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;
        var full = FullAnomaly(Tenant);
        var given = full.CreatedAt;

        var created = (await Anomalies.CreateAsync(full, Ct)).Value;

        Assert.InRange(unset.CreatedAt, before, Now());
        Assert.Equal(given, created.CreatedAt);
        var stored = await Anomalies.GetAsync(Tenant, full.AnomalyId, Ct);
        AssertSameDocument(created, stored);
        Assert.Equal(Unit(7), stored!.Embedding);
        AssertKeptAsSent(Unknown("window"), stored.Window.UnknownMembers);
        Assert.Equal(AnomalySeverity.Critical, stored.Severity);
        Assert.Equal(AnomalyStatus.Triaged, stored.Status);
        Assert.Empty((await Anomalies.GetAsync(Tenant, unset.AnomalyId, Ct))!.Embedding);
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_in_the_same_tenant_but_another_tenant_may_use_it()
    {
        var first = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        Assert.Equal(new Outcome<AnomalyEvent>.Duplicate("anomaly_id"), await Anomalies.CreateAsync(NewAnomaly(Tenant, first.AnomalyId), Ct));
        // Ids are unique per tenant (Decision 4 revised): no existence oracle, no squatting on another tenant's ids.
        Assert.IsType<Outcome<AnomalyEvent>.Ok>(await Anomalies.CreateAsync(NewAnomaly(OtherTenant, first.AnomalyId), Ct));
        Assert.Equal(Tenant, (await Anomalies.GetAsync(Tenant, first.AnomalyId, Ct))!.TenantId);
        Assert.Equal(OtherTenant, (await Anomalies.GetAsync(OtherTenant, first.AnomalyId, Ct))!.TenantId);
    }

    [Fact]
    public async Task A_closed_anomaly_never_goes_back_under_concurrent_triage_and_refusals_are_the_Core_text()
    {
        for (var trial = 0; trial < 3; trial++)
        {
            var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Repo<IAnomalyEventRepository>().UpdateStatusAsync(
                Tenant, created.AnomalyId, i % 2 == 0 ? AnomalyStatus.Closed : AnomalyStatus.Triaged, Ct), Ct)));

            // Every closed that was acknowledged stays closed; a triage after a close is refused with the Core text.
            Assert.Contains(outcomes, o => o.IsOk && o.Value.Status == AnomalyStatus.Closed);
            Assert.Equal(AnomalyStatus.Closed, (await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct))!.Status);
            foreach (var refused in outcomes.OfType<Outcome<AnomalyEvent>.InvalidState>())
                Assert.Equal(AnomalyTransitions.Refusal(created.AnomalyId, AnomalyStatus.Closed, AnomalyStatus.Triaged), refused.Reason);
        }
    }

    [Fact]
    public async Task Create_rejects_an_embedding_that_is_not_384_dimensional()
    {
        var anomaly = NewAnomaly(Tenant);
        anomaly.Embedding = new float[768];

        await Assert.ThrowsAsync<ArgumentException>(() => Anomalies.CreateAsync(anomaly, Ct));
        Assert.Null(await Anomalies.GetAsync(Tenant, anomaly.AnomalyId, Ct));
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_anomaly()
    {
        var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        Assert.Null(await Anomalies.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Anomalies.GetAsync(OtherTenant, created.AnomalyId, Ct));
    }

    // ---- insert many (POST /anomalies/bulk) -----------------------------------------------------------------

    [Fact]
    public async Task InsertMany_inserts_the_new_ids_leaves_stored_ones_as_they_are_and_counts_only_the_new()
    {
        var stored = NewAnomaly(Tenant, NewId("kept"));
        stored.Score = 1;
        await Anomalies.InsertManyAsync(Tenant, [stored], Ct);
        var again = NewAnomaly(Tenant, stored.AnomalyId);
        again.Score = 9;
        var full = FullAnomaly(Tenant);
        var bare = NewAnomaly("ignored: the tenant argument wins");
        var before = Now();

        var inserted = await Anomalies.InsertManyAsync(Tenant, [again, full, bare], Ct);

        Assert.Equal(2, inserted);
        Assert.Equal(1, (await Anomalies.GetAsync(Tenant, stored.AnomalyId, Ct))!.Score);
        AssertSameDocument(full, await Anomalies.GetAsync(Tenant, full.AnomalyId, Ct));
        var bareStored = await Anomalies.GetAsync(Tenant, bare.AnomalyId, Ct);
        Assert.Equal(Tenant, bareStored!.TenantId);
        Assert.InRange(bareStored.CreatedAt, before.AddMinutes(-1), Now().AddMinutes(1));
        Assert.Equal(0, await Anomalies.InsertManyAsync(Tenant, [again, full, bare], Ct));
        // Ids are per tenant: the same id in another tenant is a new anomaly there.
        Assert.Equal(1, await Anomalies.InsertManyAsync(OtherTenant, [NewAnomaly(OtherTenant, stored.AnomalyId)], Ct));
    }

    [Fact]
    public async Task InsertMany_rejects_a_batch_with_a_wrong_sized_embedding_and_writes_none_of_it()
    {
        var good = NewAnomaly(Tenant);
        var bad = NewAnomaly(Tenant);
        bad.Embedding = new float[5];

        await Assert.ThrowsAsync<ArgumentException>(() => Anomalies.InsertManyAsync(Tenant, [good, bad], Ct));
        Assert.Null(await Anomalies.GetAsync(Tenant, good.AnomalyId, Ct));
    }

    [Fact]
    public async Task Exact_search_ranks_every_candidate()
    {
        await Anomalies.InsertManyAsync(Tenant, [WithEmbedding(Stored(Tenant, "x", 1), Unit(0)), WithEmbedding(Stored(Tenant, "y", 1), Unit(1))], Ct);

        var hits = await EventuallyAsync(
            () => Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(Unit(0), K: 2, MinSimilarity: -1, Exact: true), Ct), h => h.Count >= 2);

        Assert.Equal(Ids(Tenant, "x", "y"), hits.Select(h => h.Anomaly.AnomalyId));
        Assert.Equal(1.0, hits[0].Similarity, 5);
    }

    // ---- list / count -------------------------------------------------------------------------------------

    [Fact]
    public async Task List_is_highest_score_first_then_id_and_pages()
    {
        await Anomalies.BulkUpsertAsync(
        [
            Stored(Tenant, "c", 1.0), Stored(Tenant, "b", 5.0), Stored(Tenant, "a", 5.0),
            Stored(Tenant, "d", 9.5), Stored(OtherTenant, "e", 99),
        ], Ct);

        var first = await Anomalies.ListAsync(Tenant, new AnomalyQuery(), new PageRequest(1, 3), Ct);
        var second = await Anomalies.ListAsync(Tenant, new AnomalyQuery(), new PageRequest(2, 3), Ct);

        Assert.Equal(Ids(Tenant, "d", "a", "b"), first.Items.Select(a => a.AnomalyId));
        Assert.Equal(Ids(Tenant, "c"), second.Items.Select(a => a.AnomalyId));
        Assert.Equal(4, second.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.False(second.HasNextPage);
        Assert.Empty((await Anomalies.ListAsync(NewId("empty"), new AnomalyQuery(), new PageRequest(), Ct)).Items);
    }

    [Fact]
    public async Task List_leaves_the_embedding_out_unless_asked_for_and_still_says_whether_there_is_one()
    {
        var full = FullAnomaly(Tenant);
        var bare = Stored(Tenant, "bare", 1.0);
        await Anomalies.BulkUpsertAsync([full, bare], Ct);

        var listed = (await Anomalies.ListAsync(Tenant, new AnomalyQuery(), new PageRequest(), Ct)).Items.ToDictionary(a => a.AnomalyId);
        var whole = (await Anomalies.ListAsync(Tenant, new AnomalyQuery(IncludeEmbedding: true), new PageRequest(), Ct)).Items.ToDictionary(a => a.AnomalyId);

        Assert.Empty(listed[full.AnomalyId].Embedding);
        Assert.True(listed[full.AnomalyId].HasEmbedding);
        Assert.False(listed[bare.AnomalyId].HasEmbedding);
        Assert.Equal(Unit(7), whole[full.AnomalyId].Embedding);
        Assert.True(whole[full.AnomalyId].HasEmbedding);
        Assert.False(whole[bare.AnomalyId].HasEmbedding);
        // Every other field as the whole read has it.
        whole[full.AnomalyId].Embedding = [];
        AssertSameDocument(whole[full.AnomalyId], listed[full.AnomalyId]);
        AssertSameDocument(whole[bare.AnomalyId], listed[bare.AnomalyId]);
    }

    [Fact]
    public async Task List_and_CountBySeverity_apply_every_filter()
    {
        var a = Stored(Tenant, "a", 1.0, run: "run-1", detector: "det-1", severity: AnomalySeverity.Info);
        var b = Stored(Tenant, "b", 2.0, run: "run-1", detector: "det-2", severity: AnomalySeverity.Warn);
        b.InvestigationId = "inv-1";
        var c = Stored(Tenant, "c", 3.0, run: "run-2", detector: "det-1", severity: AnomalySeverity.Critical);
        c.Status = AnomalyStatus.Closed;
        c.InvestigationId = "inv-1";
        var d = Stored(Tenant, "d", 4.0, run: "run-2", detector: "det-2", severity: AnomalySeverity.Critical);
        var foreign = Stored(OtherTenant, "e", 5.0, run: "run-1", detector: "det-1", severity: AnomalySeverity.Critical);
        await Anomalies.BulkUpsertAsync([a, b, c, d, foreign], Ct);

        async Task<IEnumerable<string>> Query(AnomalyQuery q)
            => (await Anomalies.ListAsync(Tenant, q, new PageRequest(), Ct)).Items.Select(x => x.AnomalyId).Order(StringComparer.Ordinal);

        Assert.Equal(Ids(Tenant, "a", "b"), await Query(new AnomalyQuery(RunId: "run-1")));
        Assert.Equal(Ids(Tenant, "a", "c"), await Query(new AnomalyQuery(DetectorId: "det-1")));
        Assert.Equal(Ids(Tenant, "b", "c"), await Query(new AnomalyQuery(InvestigationId: "inv-1")));
        Assert.Equal(Ids(Tenant, "c", "d"), await Query(new AnomalyQuery(Severity: AnomalySeverity.Critical)));
        Assert.Equal(Ids(Tenant, "c"), await Query(new AnomalyQuery(Status: AnomalyStatus.Closed)));
        Assert.Equal(Ids(Tenant, "c", "d"), await Query(new AnomalyQuery(MinScore: 3.0)));
        Assert.Equal(Ids(Tenant, "d"), await Query(new AnomalyQuery(RunId: "run-2", DetectorId: "det-2", Status: AnomalyStatus.New)));

        Assert.Equal(
            new Dictionary<AnomalySeverity, long> { [AnomalySeverity.Info] = 1, [AnomalySeverity.Warn] = 1, [AnomalySeverity.Critical] = 2 },
            await Anomalies.CountBySeverityAsync(Tenant, new AnomalyQuery(), Ct));
        Assert.Equal(
            new Dictionary<AnomalySeverity, long> { [AnomalySeverity.Info] = 1, [AnomalySeverity.Critical] = 1 },
            await Anomalies.CountBySeverityAsync(Tenant, new AnomalyQuery(DetectorId: "det-1"), Ct));
        Assert.Empty(await Anomalies.CountBySeverityAsync(NewId("empty"), new AnomalyQuery(), Ct));
    }

    // ---- status / link / delete ---------------------------------------------------------------------------

    [Fact]
    public async Task UpdateStatus_moves_forward_through_triaged_to_closed_and_repeating_a_status_is_a_no_op()
    {
        var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        var triaged = await Anomalies.UpdateStatusAsync(Tenant, created.AnomalyId, AnomalyStatus.Triaged, Ct);
        var again = await Anomalies.UpdateStatusAsync(Tenant, created.AnomalyId, AnomalyStatus.Triaged, Ct);
        var closed = await Anomalies.UpdateStatusAsync(Tenant, created.AnomalyId, AnomalyStatus.Closed, Ct);

        Assert.Equal(AnomalyStatus.Triaged, triaged.Value.Status);
        Assert.Equal(AnomalyStatus.Triaged, again.Value.Status);
        Assert.Equal(AnomalyStatus.Closed, closed.Value.Status);
        AssertSameDocument(closed.Value, await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct));
    }

    [Fact]
    public async Task UpdateStatus_may_close_a_new_anomaly_directly_but_never_goes_back()
    {
        var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        Assert.Equal(AnomalyStatus.Closed, (await Anomalies.UpdateStatusAsync(Tenant, created.AnomalyId, AnomalyStatus.Closed, Ct)).Value.Status);
        // The Core text, word for word, on every backend.
        Assert.Equal(new Outcome<AnomalyEvent>.InvalidState(AnomalyTransitions.Refusal(created.AnomalyId, AnomalyStatus.Closed, AnomalyStatus.Triaged)),
            await Anomalies.UpdateStatusAsync(Tenant, created.AnomalyId, AnomalyStatus.Triaged, Ct));
        Assert.Equal(new Outcome<AnomalyEvent>.InvalidState($"Anomaly {created.AnomalyId} is closed; it cannot move back to new."),
            await Anomalies.UpdateStatusAsync(Tenant, created.AnomalyId, AnomalyStatus.New, Ct));
        Assert.Equal(AnomalyStatus.Closed, (await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct))!.Status);
    }

    [Fact]
    public async Task UpdateStatus_of_a_missing_or_foreign_anomaly_is_NotFound()
    {
        var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        Assert.IsType<Outcome<AnomalyEvent>.NotFound>(await Anomalies.UpdateStatusAsync(Tenant, NewId("missing"), AnomalyStatus.Closed, Ct));
        Assert.IsType<Outcome<AnomalyEvent>.NotFound>(await Anomalies.UpdateStatusAsync(OtherTenant, created.AnomalyId, AnomalyStatus.Closed, Ct));
        Assert.Equal(AnomalyStatus.New, (await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct))!.Status);
    }

    [Fact]
    public async Task LinkInvestigation_sets_and_clears_the_investigation_id_within_the_tenant()
    {
        var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        var linked = (await Anomalies.LinkInvestigationAsync(Tenant, created.AnomalyId, "inv-42", Ct)).Value;
        Assert.Equal("inv-42", linked.InvestigationId);
        Assert.Equal("inv-42", (await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct))!.InvestigationId);
        Assert.IsType<Outcome<AnomalyEvent>.NotFound>(await Anomalies.LinkInvestigationAsync(OtherTenant, created.AnomalyId, "inv-x", Ct));
        Assert.IsType<Outcome<AnomalyEvent>.NotFound>(await Anomalies.LinkInvestigationAsync(Tenant, NewId("missing"), "inv-x", Ct));

        var unlinked = (await Anomalies.LinkInvestigationAsync(Tenant, created.AnomalyId, null, Ct)).Value;
        Assert.Null(unlinked.InvestigationId);
        Assert.Null((await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct))!.InvestigationId);
    }

    [Fact]
    public async Task Delete_removes_the_tenants_anomaly_only()
    {
        var created = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;

        Assert.False(await Anomalies.DeleteAsync(OtherTenant, created.AnomalyId, Ct));
        Assert.NotNull(await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct));
        Assert.True(await Anomalies.DeleteAsync(Tenant, created.AnomalyId, Ct));
        Assert.Null(await Anomalies.GetAsync(Tenant, created.AnomalyId, Ct));
        Assert.False(await Anomalies.DeleteAsync(Tenant, created.AnomalyId, Ct));
    }

    // ---- similarity search --------------------------------------------------------------------------------

    [Fact]
    public async Task SearchSimilar_returns_the_most_similar_first_with_cosine_similarity_and_drops_those_below_the_minimum()
    {
        // Vectors at known angles from the query: similarity = cos(angle).
        var query = Unit(0);
        var near = WithEmbedding(Stored(Tenant, "near", 1), AtAngle(0.1));
        var mid = WithEmbedding(Stored(Tenant, "mid", 1), AtAngle(0.5));
        var far = WithEmbedding(Stored(Tenant, "far", 1), AtAngle(1.2));
        var identical = WithEmbedding(Stored(Tenant, "same", 1), Unit(0).Select(x => x * 3).ToArray()); // length does not matter
        var none = Stored(Tenant, "no-embedding", 1);
        var foreign = WithEmbedding(Stored(OtherTenant, "foreign", 1), Unit(0));
        await Anomalies.BulkUpsertAsync([near, mid, far, identical, none, foreign], Ct);
        await EventuallyAsync(() => Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(query, K: 10, MinSimilarity: -1), Ct), h => h.Count >= 4);

        var hits = await Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(query, K: 10, MinSimilarity: 0.7), Ct);

        Assert.Equal(Ids(Tenant, "same", "near", "mid"), hits.Select(h => h.Anomaly.AnomalyId));
        Assert.Equal(1.0, hits[0].Similarity, 5);
        Assert.Equal(Math.Cos(0.1), hits[1].Similarity, 5);
        Assert.Equal(Math.Cos(0.5), hits[2].Similarity, 5);
        AssertSameDocument(near, hits[1].Anomaly);

        var top2 = await Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(query, K: 2, MinSimilarity: -1), Ct);
        Assert.Equal(Ids(Tenant, "same", "near"), top2.Select(h => h.Anomaly.AnomalyId));
        var everything = await Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(query, K: 10, MinSimilarity: -1), Ct);
        Assert.Equal(Ids(Tenant, "same", "near", "mid", "far"), everything.Select(h => h.Anomaly.AnomalyId));
    }

    [Fact]
    public async Task SearchSimilar_filters_by_severity_detector_and_excluded_id()
    {
        var self = WithEmbedding(Stored(Tenant, "self", 1, detector: "det-1", severity: AnomalySeverity.Critical), Unit(0));
        var critical = WithEmbedding(Stored(Tenant, "critical", 1, detector: "det-2", severity: AnomalySeverity.Critical), AtAngle(0.2));
        var warn = WithEmbedding(Stored(Tenant, "warn", 1, detector: "det-1", severity: AnomalySeverity.Warn), AtAngle(0.1));
        await Anomalies.BulkUpsertAsync([self, critical, warn], Ct);
        await EventuallyAsync(() => Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(Unit(0), MinSimilarity: -1), Ct), h => h.Count >= 3);

        async Task<IEnumerable<string>> Search(SimilarityQuery q)
            => (await Anomalies.SearchSimilarAsync(Tenant, q, Ct)).Select(h => h.Anomaly.AnomalyId);

        Assert.Equal(Ids(Tenant, "warn", "critical"), await Search(new SimilarityQuery(Unit(0), ExcludeAnomalyId: self.AnomalyId)));
        Assert.Equal(Ids(Tenant, "self", "critical"), await Search(new SimilarityQuery(Unit(0), Severity: AnomalySeverity.Critical)));
        Assert.Equal(Ids(Tenant, "self", "warn"), await Search(new SimilarityQuery(Unit(0), DetectorId: "det-1")));
        Assert.Equal(Ids(Tenant, "warn"), await Search(new SimilarityQuery(Unit(0), DetectorId: "det-1", ExcludeAnomalyId: self.AnomalyId)));
        Assert.Empty(await Search(new SimilarityQuery(Unit(0), DetectorId: "det-9")));
    }

    [Fact]
    public async Task SearchSimilar_rejects_a_vector_that_is_not_384_dimensional()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(new float[768]), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery([]), Ct));
    }

    [Fact]
    public async Task SearchSimilar_finds_at_least_95_percent_of_the_exact_nearest_neighbours_and_never_another_tenants()
    {
        const int perTenant = 1_000, queries = 20, k = 10;
        var random = new Random(20261124);
        var mine = Enumerable.Range(0, perTenant).Select(i => WithEmbedding(Stored(Tenant, $"v{i:D4}", 1), RandomUnit(random))).ToList();
        var theirs = Enumerable.Range(0, perTenant).Select(i => WithEmbedding(Stored(OtherTenant, $"v{i:D4}", 1), RandomUnit(random))).ToList();
        await Anomalies.BulkUpsertAsync([.. mine, .. theirs], Ct);
        // Indexed once the last stored anomalies are their own nearest neighbours.
        foreach (var last in mine.TakeLast(3))
            await EventuallyAsync(() => Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(last.Embedding, K: 1, MinSimilarity: -1), Ct),
                h => h.Count == 1 && h[0].Anomaly.AnomalyId == last.AnomalyId);

        var recall = 0.0;
        for (var q = 0; q < queries; q++)
        {
            var vector = RandomUnit(random);
            var exact = mine
                .OrderByDescending(a => Dot(a.Embedding, vector))
                .Take(k).Select(a => a.AnomalyId).ToHashSet();

            var hits = await Anomalies.SearchSimilarAsync(Tenant, new SimilarityQuery(vector, K: k, MinSimilarity: -1), Ct);

            Assert.Equal(k, hits.Count);
            Assert.All(hits, h => Assert.Equal(Tenant, h.Anomaly.TenantId));
            Assert.Equal(hits.OrderByDescending(h => h.Similarity).Select(h => h.Anomaly.AnomalyId), hits.Select(h => h.Anomaly.AnomalyId));
            Assert.All(hits, h => Assert.Equal(Dot(h.Anomaly.Embedding, vector), h.Similarity, 4));
            recall += hits.Count(h => exact.Contains(h.Anomaly.AnomalyId)) / (double)k;
        }

        Assert.True(recall / queries >= 0.95, $"recall@{k} = {recall / queries:F3}");
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IAnomalyEventRepository>();
        string[] ids = ["an-b", "AN-a", "an-a", "an_a", "an-ß"];
        await repo.BulkUpsertAsync(ids.Select((id, i) => { var a = Stored(i % 2 == 0 ? Tenant : OtherTenant, "", 1); a.AnomalyId = id; return a; }).ToList(), Ct);

        // Keys are (tenant_id, id), ordinal, tenant first.
        var keys = ids.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        var after = keys.Single(k => k.Id == "an-a");
        var all = await store.Repo<IAnomalyEventRepository>().ExportAsync(default, Ct).ToListAsync(Ct);
        var resumed = await store.Repo<IAnomalyEventRepository>().ExportAsync(after, Ct).ToListAsync(Ct);

        Assert.Equal(keys, all.Select(repo.KeyOf));
        Assert.Equal(keys.Where(k => k.CompareTo(after) > 0), resumed.Select(repo.KeyOf));
        Assert.Equal(ids.Length, await store.Repo<IAnomalyEventRepository>().CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var existing = (await Anomalies.CreateAsync(NewAnomaly(Tenant), Ct)).Value;
        var replacement = FullAnomaly(Tenant);
        replacement.AnomalyId = existing.AnomalyId;
        var added = WithEmbedding(Stored(OtherTenant, "added", 0.5), Unit(3));

        Assert.Equal(2, await Anomalies.BulkUpsertAsync([replacement, added], Ct));

        AssertSameDocument(replacement, await Anomalies.GetAsync(Tenant, existing.AnomalyId, Ct));
        AssertSameDocument(added, await Anomalies.GetAsync(OtherTenant, added.AnomalyId, Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static IEnumerable<string> Ids(string tenant, params string[] names) => names.Select(n => $"{tenant}:{n}");

    private static AnomalyEvent NewAnomaly(string tenant, string? id = null)
    {
        var t = Now();
        return new AnomalyEvent
        {
            AnomalyId = id ?? NewId("an"),
            RunId = "run-1",
            DetectorId = "det-1",
            TenantId = tenant,
            Window = new AnomalyWindow { Start = t.AddHours(-1), End = t },
            Metric = "tx_count",
            Observed = 120,
            Expected = 40,
            Score = 3.2,
            Severity = AnomalySeverity.Warn,
        };
    }

    private static AnomalyEvent Stored(
        string tenant, string name, double score, string run = "run-1", string detector = "det-1",
        AnomalySeverity severity = AnomalySeverity.Warn)
    {
        var t = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        return new AnomalyEvent
        {
            AnomalyId = $"{tenant}:{name}",
            RunId = run,
            DetectorId = detector,
            TenantId = tenant,
            Window = new AnomalyWindow { Start = t.AddHours(-1), End = t },
            Metric = "tx_amount",
            Observed = 10,
            Expected = 5,
            Score = score,
            Severity = severity,
            CreatedAt = t,
        };
    }

    private static AnomalyEvent FullAnomaly(string tenant)
    {
        var t = Now().AddDays(-1);
        return new AnomalyEvent
        {
            AnomalyId = NewId("an"),
            RunId = "run-77",
            DetectorId = "det-5",
            TenantId = tenant,
            InvestigationId = "inv-5",
            Cohort = new JsonObject { ["merchant"] = "m-1", ["country"] = "DE" },
            Evidence = new JsonObject { ["points"] = new JsonArray(1.5, 2.5), ["detail"] = new JsonObject { ["z"] = 4.2, ["why"] = "spike" } },
            Window = new AnomalyWindow { Start = t.AddMinutes(-15), End = t, DurationMinutes = 15, UnknownMembers = Unknown("window") },
            Metric = "chargebacks",
            Observed = 17.25,
            Expected = 2.5,
            Score = 8.75,
            Severity = AnomalySeverity.Critical,
            Status = AnomalyStatus.Triaged,
            PersistedN = 4,
            FirstSeen = t.AddHours(-4),
            LastSeen = t,
            Embedding = Unit(7),
            CreatedAt = t.AddSeconds(1),
        };
    }

    private static AnomalyEvent WithEmbedding(AnomalyEvent anomaly, float[] embedding)
    {
        anomaly.Embedding = embedding;
        return anomaly;
    }

    private static float[] Unit(int axis)
    {
        var v = new float[Dimensions];
        v[axis] = 1;
        return v;
    }

    /// <summary>A unit vector in the plane of axes 0 and 1, <paramref name="radians"/> away from axis 0.</summary>
    private static float[] AtAngle(double radians)
    {
        var v = new float[Dimensions];
        v[0] = (float)Math.Cos(radians);
        v[1] = (float)Math.Sin(radians);
        return v;
    }

    private static float[] RandomUnit(Random random)
    {
        var v = new double[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            // Box–Muller: normally distributed components give a direction uniform on the sphere.
            v[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }

}
