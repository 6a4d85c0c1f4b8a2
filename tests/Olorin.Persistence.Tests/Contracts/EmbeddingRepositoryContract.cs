using System.Text.Json.Nodes;
using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

/// <summary>
/// What the embedding worker, the backfill and semantic investigation search need from every backend: documents
/// without an embedding in key order, guarded embedding writes that never replace one, embeddings emptied when
/// settings or results change, and cosine ranking of investigations.
/// </summary>
public abstract class EmbeddingRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private const int Dimensions = 384;
    private static readonly AuditContext Audit = new("analyst-1", AuditSource.Api, null, "contract-tests");

    private IAnomalyEventRepository Anomalies => Repo<IAnomalyEventRepository>();
    private IInvestigationRepository Investigations => Repo<IInvestigationRepository>();

    [Fact]
    public async Task Anomalies_without_an_embedding_are_listed_in_key_order_from_a_key_and_per_tenant()
    {
        foreach (var name in new[] { "c", "a", "b" }) Assert.True((await Anomalies.CreateAsync(NewAnomaly(Tenant, name), Ct)).IsOk);
        await Anomalies.CreateAsync(NewAnomaly(Tenant, "embedded", Unit(3)), Ct);
        await Anomalies.CreateAsync(NewAnomaly(OtherTenant, "a"), Ct);

        var all = await Anomalies.ListWithoutEmbeddingAsync(Tenant, null, 10, Ct);
        var fromA = await Anomalies.ListWithoutEmbeddingAsync(Tenant, new TenantKey(Tenant, $"{Tenant}:a"), 1, Ct);
        var everyTenant = await Anomalies.ListWithoutEmbeddingAsync(null, new TenantKey(Tenant, ""), 3, Ct);

        Assert.Equal(Ids(Tenant, "a", "b", "c"), all.Select(a => a.AnomalyId));
        Assert.Equal(Ids(Tenant, "b"), fromA.Select(a => a.AnomalyId));
        Assert.Equal(Ids(Tenant, "a", "b", "c"), everyTenant.Select(a => a.AnomalyId));
    }

    [Fact]
    public async Task An_anomaly_embedding_is_written_once_and_never_replaces_one()
    {
        var clients = Unit(5);
        await Anomalies.CreateAsync(NewAnomaly(Tenant, "own", clients), Ct);
        await Anomalies.CreateAsync(NewAnomaly(Tenant, "none"), Ct);

        Assert.False(await Anomalies.SetEmbeddingIfMissingAsync(Tenant, $"{Tenant}:own", Unit(1), Ct));
        Assert.True(await Anomalies.SetEmbeddingIfMissingAsync(Tenant, $"{Tenant}:none", Unit(1), Ct));
        Assert.False(await Anomalies.SetEmbeddingIfMissingAsync(Tenant, $"{Tenant}:none", Unit(2), Ct));
        Assert.False(await Anomalies.SetEmbeddingIfMissingAsync(OtherTenant, $"{Tenant}:none", Unit(2), Ct));

        Assert.Equal(clients, (await Anomalies.GetAsync(Tenant, $"{Tenant}:own", Ct))!.Embedding);
        Assert.Equal(Unit(1), (await Anomalies.GetAsync(Tenant, $"{Tenant}:none", Ct))!.Embedding);
        Assert.Empty(await Anomalies.ListWithoutEmbeddingAsync(Tenant, null, 10, Ct));
    }

    [Fact]
    public async Task An_investigation_embedding_is_written_only_at_its_version_without_moving_version_or_updated_at()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant, "i1"), Audit, Ct)).Value;
        Assert.Equal([created.InvestigationId], (await Investigations.ListWithoutEmbeddingAsync(Tenant, null, 10, Ct)).Select(i => i.InvestigationId));

        Assert.False(await Investigations.SetEmbeddingAsync(Tenant, created.InvestigationId, version: 2, Unit(1), Ct));
        Assert.True(await Investigations.SetEmbeddingAsync(Tenant, created.InvestigationId, version: 1, Unit(1), Ct));
        Assert.False(await Investigations.SetEmbeddingAsync(Tenant, created.InvestigationId, version: 1, Unit(2), Ct));

        var stored = (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!;
        Assert.Empty(stored.Embedding); // stored (see below), but a read serves no embedding
        Assert.Equal(1, stored.Version);
        Assert.Equal(created.UpdatedAt, stored.UpdatedAt);
        Assert.Empty(await Investigations.ListWithoutEmbeddingAsync(Tenant, null, 10, Ct));
    }

    [Fact]
    public async Task Changing_settings_or_results_empties_the_embedding_and_other_changes_keep_it()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant, "i1"), Audit, Ct)).Value;
        await Investigations.SetEmbeddingAsync(Tenant, created.InvestigationId, 1, Unit(1), Ct);

        var status = (await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, new InvestigationPatch(Status: InvestigationStatus.InProgress), Audit, Ct)).Value;
        await Investigations.UpdateProgressAsync(Tenant, created.InvestigationId, new JsonObject { ["current_phase"] = "p" }, Ct);
        Assert.Empty(await Investigations.ListWithoutEmbeddingAsync(Tenant, null, 10, Ct)); // kept (reads do not return it)

        var results = new JsonObject { ["summary"] = "new findings" };
        await Investigations.UpdateAsync(Tenant, created.InvestigationId, status.Version, new InvestigationPatch(Results: results), Audit, Ct);

        var stored = (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!;
        Assert.Equal([created.InvestigationId], (await Investigations.ListWithoutEmbeddingAsync(Tenant, null, 10, Ct)).Select(i => i.InvestigationId));
        Assert.False(await Investigations.SetEmbeddingAsync(Tenant, created.InvestigationId, status.Version, Unit(2), Ct)); // computed from the old text
        Assert.True(await Investigations.SetEmbeddingAsync(Tenant, created.InvestigationId, stored.Version, Unit(2), Ct));
    }

    [Fact]
    public async Task Semantic_search_ranks_the_tenants_investigations_by_cosine_drops_those_below_the_minimum_and_pages()
    {
        async Task Embedded(string tenant, string name, float[] embedding)
        {
            var created = (await Investigations.CreateAsync(NewInvestigation(tenant, name), Audit, Ct)).Value;
            Assert.True(await Investigations.SetEmbeddingAsync(tenant, created.InvestigationId, 1, embedding, Ct));
        }
        await Embedded(Tenant, "near", AtAngle(0.1));
        await Embedded(Tenant, "mid", AtAngle(0.5));
        await Embedded(Tenant, "far", AtAngle(2.0)); // cosine −0.42
        await Embedded(OtherTenant, "foreign", AtAngle(0));
        await Investigations.CreateAsync(NewInvestigation(Tenant, "none"), Audit, Ct);
        var query = AtAngle(0);
        await EventuallyAsync(() => Investigations.SearchSemanticAsync(Tenant, query, -1, new PageRequest(1, 10), Ct), r => r.Items.Count >= 3);

        var kept = await Investigations.SearchSemanticAsync(Tenant, query, 0.4, new PageRequest(1, 10), Ct);
        var all = await Investigations.SearchSemanticAsync(Tenant, query, -1, new PageRequest(1, 10), Ct);
        var second = await Investigations.SearchSemanticAsync(Tenant, query, -1, new PageRequest(2, 1), Ct);

        Assert.Equal(Ids(Tenant, "near", "mid"), kept.Items.Select(h => h.Investigation.InvestigationId));
        Assert.Equal(2, kept.TotalCount);
        Assert.Equal(Math.Cos(0.1), kept.Items[0].Rank, 5);
        Assert.Equal(Math.Cos(0.5), kept.Items[1].Rank, 5);
        Assert.Equal(Ids(Tenant, "near", "mid", "far"), all.Items.Select(h => h.Investigation.InvestigationId));
        Assert.Equal(Math.Cos(2.0), all.Items[2].Rank, 5);
        Assert.Equal(Ids(Tenant, "mid"), second.Items.Select(h => h.Investigation.InvestigationId));
    }

    private static IEnumerable<string> Ids(string tenant, params string[] names) => names.Select(n => $"{tenant}:{n}");

    private static AnomalyEvent NewAnomaly(string tenant, string name, float[]? embedding = null)
    {
        var t = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        return new AnomalyEvent
        {
            AnomalyId = $"{tenant}:{name}",
            RunId = "run-1",
            DetectorId = "det-1",
            TenantId = tenant,
            Window = new AnomalyWindow { Start = t.AddHours(-1), End = t },
            Metric = "tx_amount",
            Observed = 10,
            Expected = 5,
            Score = 1,
            Severity = AnomalySeverity.Warn,
            Embedding = embedding ?? [],
        };
    }

    private static Investigation NewInvestigation(string tenant, string name) => new()
    {
        InvestigationId = $"{tenant}:{name}",
        UserId = "analyst-1",
        TenantId = tenant,
        Settings = new JsonObject { ["name"] = name },
    };

    private static float[] Unit(int axis)
    {
        var v = new float[Dimensions];
        v[axis] = 1;
        return v;
    }

    private static float[] AtAngle(double radians)
    {
        var v = new float[Dimensions];
        v[0] = (float)Math.Cos(radians);
        v[1] = (float)Math.Sin(radians);
        return v;
    }
}
