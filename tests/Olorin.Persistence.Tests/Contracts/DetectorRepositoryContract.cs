using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class DetectorRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private IDetectorRepository Detectors => Repo<IDetectorRepository>();

    [Fact]
    public async Task Create_sets_created_at_and_updated_at_to_now_and_every_field_round_trips()
    {
        var before = Now();
        var input = FullDetector(Tenant);
        input.CreatedAt = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var created = (await Detectors.CreateAsync(input, Ct)).Value;

        Assert.InRange(created.CreatedAt, before, Now());
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        var stored = await Detectors.GetAsync(Tenant, created.DetectorId, Ct);
        AssertSameDocument(created, stored);
        Assert.Equal(DetectorType.MatrixProfile, stored!.Type);
        Assert.Equal("p95", (string?)stored.CohortBy["filters"]!["nested"]!["stat"]);
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_in_the_same_tenant_but_another_tenant_may_use_it()
    {
        var first = (await Detectors.CreateAsync(NewDetector(Tenant), Ct)).Value;

        Assert.Equal(new Outcome<Detector>.Duplicate("detector_id"), await Detectors.CreateAsync(NewDetector(Tenant, first.DetectorId), Ct));
        // Ids are unique per tenant (Decision 4 revised): no existence oracle, no squatting on another tenant's ids.
        Assert.IsType<Outcome<Detector>.Ok>(await Detectors.CreateAsync(NewDetector(OtherTenant, first.DetectorId), Ct));
        Assert.Equal(Tenant, (await Detectors.GetAsync(Tenant, first.DetectorId, Ct))!.TenantId);
        Assert.Equal(OtherTenant, (await Detectors.GetAsync(OtherTenant, first.DetectorId, Ct))!.TenantId);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_detector()
    {
        var created = (await Detectors.CreateAsync(NewDetector(Tenant), Ct)).Value;

        Assert.Null(await Detectors.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Detectors.GetAsync(OtherTenant, created.DetectorId, Ct));
    }

    [Fact]
    public async Task List_is_newest_created_first_then_id_pages_and_stays_in_the_tenant()
    {
        var t0 = Now().AddHours(-1);
        var docs = new[]
        {
            Stored(Tenant, "c", t0),
            Stored(Tenant, "b", t0.AddMinutes(1)),
            Stored(Tenant, "a", t0.AddMinutes(1)),
            Stored(Tenant, "d", t0.AddMinutes(2)),
            Stored(OtherTenant, "e", t0.AddMinutes(3)),
        };
        await Detectors.BulkUpsertAsync(docs, Ct);

        var first = await Detectors.ListAsync(Tenant, new DetectorQuery(), new PageRequest(1, 3), Ct);
        var second = await Detectors.ListAsync(Tenant, new DetectorQuery(), new PageRequest(2, 3), Ct);

        Assert.Equal(Ids(Tenant, "d", "a", "b"), first.Items.Select(d => d.DetectorId));
        Assert.Equal(Ids(Tenant, "c"), second.Items.Select(d => d.DetectorId));
        Assert.Equal(4, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.False(second.HasNextPage);
        Assert.True(second.HasPreviousPage);
        Assert.Empty((await Detectors.ListAsync(NewId("empty"), new DetectorQuery(), new PageRequest(), Ct)).Items);
    }

    [Fact]
    public async Task List_filters_by_type_and_enabled()
    {
        var t = Now();
        var a = Stored(Tenant, "a", t);
        a.Type = DetectorType.Cusum;
        var b = Stored(Tenant, "b", t);
        b.Type = DetectorType.Cusum;
        b.Enabled = false;
        var c = Stored(Tenant, "c", t);
        c.Type = DetectorType.Rcf;
        var foreign = Stored(OtherTenant, "d", t);
        foreign.Type = DetectorType.Cusum;
        await Detectors.BulkUpsertAsync([a, b, c, foreign], Ct);

        async Task<IEnumerable<string>> Query(DetectorQuery q)
            => (await Detectors.ListAsync(Tenant, q, new PageRequest(), Ct)).Items.Select(d => d.DetectorId).Order(StringComparer.Ordinal);

        Assert.Equal(Ids(Tenant, "a", "b"), await Query(new DetectorQuery(Type: DetectorType.Cusum)));
        Assert.Equal(Ids(Tenant, "a", "c"), await Query(new DetectorQuery(Enabled: true)));
        Assert.Equal(Ids(Tenant, "b"), await Query(new DetectorQuery(DetectorType.Cusum, false)));
        Assert.Empty(await Query(new DetectorQuery(Type: DetectorType.IsoForest)));
    }

    [Fact]
    public async Task Update_applies_only_the_given_members_and_moves_updated_at()
    {
        var created = (await Detectors.CreateAsync(FullDetector(Tenant), Ct)).Value;
        var patch = new DetectorPatch(Name: "renamed", Enabled: false, Params: new JsonObject { ["sensitivity"] = 0.2 });

        var updated = (await Detectors.UpdateAsync(Tenant, created.DetectorId, patch, Ct)).Value;

        Assert.Equal("renamed", updated.Name);
        Assert.False(updated.Enabled);
        Assert.Equal(0.2, (double?)updated.Params["sensitivity"]);
        Assert.True(JsonNode.DeepEquals(Node(created.Metrics), Node(updated.Metrics))); // jsonb does not keep member order
        Assert.True(JsonNode.DeepEquals(Node(created.CohortBy), Node(updated.CohortBy)));
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
        AssertSameDocument(updated, await Detectors.GetAsync(Tenant, created.DetectorId, Ct));
    }

    [Fact]
    public async Task Update_of_a_missing_or_foreign_detector_is_NotFound()
    {
        var created = (await Detectors.CreateAsync(NewDetector(Tenant), Ct)).Value;

        Assert.IsType<Outcome<Detector>.NotFound>(await Detectors.UpdateAsync(Tenant, NewId("missing"), new DetectorPatch(Name: "x"), Ct));
        Assert.IsType<Outcome<Detector>.NotFound>(await Detectors.UpdateAsync(OtherTenant, created.DetectorId, new DetectorPatch(Name: "x"), Ct));
        Assert.Equal(created.Name, (await Detectors.GetAsync(Tenant, created.DetectorId, Ct))!.Name);
    }

    [Fact]
    public async Task Delete_removes_the_tenants_detector_only()
    {
        var created = (await Detectors.CreateAsync(NewDetector(Tenant), Ct)).Value;

        Assert.False(await Detectors.DeleteAsync(OtherTenant, created.DetectorId, Ct));
        Assert.NotNull(await Detectors.GetAsync(Tenant, created.DetectorId, Ct));
        Assert.True(await Detectors.DeleteAsync(Tenant, created.DetectorId, Ct));
        Assert.Null(await Detectors.GetAsync(Tenant, created.DetectorId, Ct));
        Assert.False(await Detectors.DeleteAsync(Tenant, created.DetectorId, Ct));
    }

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IDetectorRepository>();
        string[] ids = ["det-b", "Det-a", "det-a", "det_a", "det-ä"];
        await repo.BulkUpsertAsync(ids.Select((id, i) => { var d = Stored(i % 2 == 0 ? Tenant : OtherTenant, "", Now()); d.DetectorId = id; return d; }).ToList(), Ct);

        // Keys are (tenant_id, id), ordinal, tenant first.
        var keys = ids.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        var after = keys.Single(k => k.Id == "det-a");
        var all = await store.Repo<IDetectorRepository>().ExportAsync(default, Ct).ToListAsync(Ct);
        var resumed = await store.Repo<IDetectorRepository>().ExportAsync(after, Ct).ToListAsync(Ct);

        Assert.Equal(keys, all.Select(repo.KeyOf));
        Assert.Equal(keys.Where(k => k.CompareTo(after) > 0), resumed.Select(repo.KeyOf));
        Assert.Equal(ids.Length, await store.Repo<IDetectorRepository>().CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var existing = (await Detectors.CreateAsync(NewDetector(Tenant), Ct)).Value;
        var replacement = FullDetector(Tenant);
        replacement.DetectorId = existing.DetectorId;
        replacement.CreatedAt = new DateTime(2020, 5, 6, 7, 8, 9, 10, DateTimeKind.Utc);
        replacement.UpdatedAt = new DateTime(2021, 5, 6, 7, 8, 9, 10, DateTimeKind.Utc);
        var added = Stored(Tenant, "added", new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(2, await Detectors.BulkUpsertAsync([replacement, added], Ct));

        AssertSameDocument(replacement, await Detectors.GetAsync(Tenant, existing.DetectorId, Ct));
        AssertSameDocument(added, await Detectors.GetAsync(Tenant, added.DetectorId, Ct));
    }

    private static IEnumerable<string> Ids(string tenant, params string[] names) => names.Select(n => $"{tenant}:{n}");

    private static Detector NewDetector(string tenant, string? id = null) => new()
    {
        DetectorId = id ?? NewId("det"),
        Name = "Login velocity",
        Type = DetectorType.StlMad,
        Metrics = new JsonObject { ["primary"] = "logins" },
        TenantId = tenant,
    };

    private static Detector Stored(string tenant, string name, DateTime createdAt) => new()
    {
        DetectorId = $"{tenant}:{name}",
        Name = name,
        Type = DetectorType.Cusum,
        Metrics = new JsonObject { ["primary"] = "tx_count" },
        TenantId = tenant,
        CreatedAt = createdAt,
        UpdatedAt = createdAt.AddMinutes(5),
    };

    private static Detector FullDetector(string tenant) => new()
    {
        DetectorId = NewId("det"),
        Name = "Merchant refund spikes",
        Type = DetectorType.MatrixProfile,
        // As a client sends them (Decision 12): known members and others, kept verbatim.
        CohortBy = JsonNode.Parse("""
            {"dimensions": ["merchant_id", "country"], "filters": {"country": ["US", "CA"], "nested": {"stat": "p95"}}, "min_size": 30}
            """)!.AsObject(),
        Metrics = JsonNode.Parse("""{"primary": "refund_amount", "secondary": ["refund_count"], "aggregations": ["sum", "p95"], "unit": "USD"}""")!.AsObject(),
        Params = JsonNode.Parse("""
            {"sensitivity": 0.75, "threshold": 3.5, "window_size": 48, "k": 3,
             "algorithm_specific": {"motif_length": 12, "exclusion": 0.5, "flags": {"z": true}}}
            """)!.AsObject(),
        Enabled = false,
        TenantId = tenant,
    };

}
