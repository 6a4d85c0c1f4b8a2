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

public abstract class TemplateRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private static readonly DateTime T0 = new(2026, 4, 5, 6, 7, 8, 901, DateTimeKind.Utc);

    private ITemplateRepository Templates => Repo<ITemplateRepository>();

    // ---- create / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Create_stamps_now_resets_usage_and_every_field_round_trips()
    {
        var before = Now();
        var input = FullTemplate(Tenant, NewId("tpl"), "Account takeover");
        input.UsageCount = 12;
        input.CreatedAt = input.UpdatedAt = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var created = (await Templates.CreateAsync(input, Ct)).Value;

        Assert.Equal(0, created.UsageCount);
        Assert.InRange(created.CreatedAt, before, Now());
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        var expected = FullTemplate(Tenant, input.TemplateId, "Account takeover");
        expected.CreatedAt = expected.UpdatedAt = created.CreatedAt;
        AssertSameDocument(expected, created);
        var stored = await Templates.GetAsync(Tenant, input.TemplateId, Ct);
        AssertSameDocument(expected, stored);
        AssertKeptAsSent(Unknown("template"), stored!.Template.UnknownMembers);
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_template_id()
    {
        var id = NewId("tpl");
        await Templates.CreateAsync(NewTemplate(Tenant, id, "first"), Ct);

        var again = await Templates.CreateAsync(NewTemplate(Tenant, id, "second"), Ct);

        Assert.Equal(new Outcome<InvestigationTemplate>.Duplicate("template_id"), again);
        Assert.Equal("first", (await Templates.GetAsync(Tenant, id, Ct))!.Name);
    }

    [Fact]
    public async Task Create_with_a_name_the_same_user_already_uses_is_Duplicate_name()
    {
        await Templates.CreateAsync(NewTemplate(Tenant, NewId("tpl"), "shared name", "alice"), Ct);

        var sameUser = await Templates.CreateAsync(NewTemplate(Tenant, NewId("tpl"), "shared name", "alice"), Ct);
        var otherUser = await Templates.CreateAsync(NewTemplate(Tenant, NewId("tpl"), "shared name", "bob"), Ct);
        var otherTenant = await Templates.CreateAsync(NewTemplate(OtherTenant, NewId("tpl"), "shared name", "alice"), Ct);

        Assert.Equal(new Outcome<InvestigationTemplate>.Duplicate("name"), sameUser);
        Assert.True(otherUser.IsOk);
        Assert.True(otherTenant.IsOk);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_template()
    {
        var id = NewId("tpl");
        await Templates.CreateAsync(NewTemplate(Tenant, id, "mine"), Ct);

        Assert.Null(await Templates.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Templates.GetAsync(OtherTenant, id, Ct));
    }

    // ---- list ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_is_most_used_first_then_name_then_id_and_pages()
    {
        var popular = await Create(NewTemplate(Tenant, "tpl-z-" + Tenant, "zulu"));
        var alphaB = await Create(NewTemplate(Tenant, "tpl-b-" + Tenant, "alpha", "bob"));
        var alphaA = await Create(NewTemplate(Tenant, "tpl-a-" + Tenant, "alpha", "alice"));
        var bravo = await Create(NewTemplate(Tenant, "tpl-c-" + Tenant, "bravo"));
        for (var i = 0; i < 3; i++) await Templates.RecordUsageAsync(Tenant, popular.TemplateId, T0, Ct);
        await Templates.RecordUsageAsync(Tenant, bravo.TemplateId, T0, Ct);
        await Create(NewTemplate(OtherTenant, NewId("tpl"), "aaa"));

        var first = await Templates.ListAsync(Tenant, new TemplateQuery(), new PageRequest(1, 3), Ct);
        var second = await Templates.ListAsync(Tenant, new TemplateQuery(), new PageRequest(2, 3), Ct);

        Assert.Equal([popular.TemplateId, bravo.TemplateId, alphaA.TemplateId], first.Items.Select(x => x.TemplateId));
        Assert.Equal(4, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.Equal([alphaB.TemplateId], second.Items.Select(x => x.TemplateId));
        Assert.False(second.HasNextPage);
    }

    [Fact]
    public async Task List_filters_by_user_and_by_tag()
    {
        var a = await Create(NewTemplate(Tenant, NewId("tpl"), "a", "alice", ["ato", "cards"]));
        var b = await Create(NewTemplate(Tenant, NewId("tpl"), "b", "bob", ["cards"]));
        var c = await Create(NewTemplate(Tenant, NewId("tpl"), "c", "alice", []));
        await Create(NewTemplate(OtherTenant, NewId("tpl"), "d", "alice", ["cards"]));

        Assert.Equal([a.TemplateId, c.TemplateId], await Ids(new TemplateQuery(UserId: "alice")));
        Assert.Equal([a.TemplateId, b.TemplateId], await Ids(new TemplateQuery(Tag: "cards")));
        Assert.Equal([a.TemplateId], await Ids(new TemplateQuery("alice", "cards")));
        Assert.Empty(await Ids(new TemplateQuery(Tag: "car")));
    }

    [Fact]
    public async Task List_of_another_tenant_is_empty()
    {
        await Create(NewTemplate(Tenant, NewId("tpl"), "mine"));

        var page = await Templates.ListAsync(OtherTenant, new TemplateQuery(), new PageRequest(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
    }

    // ---- update -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Update_applies_the_patch_and_sets_updated_at_to_now()
    {
        var created = await Create(FullTemplate(Tenant, NewId("tpl"), "before"));
        var before = Now();
        var body = new TemplateBody { EntityType = "email", Settings = new JsonObject { ["window_days"] = 30 }, Agents = ["network"] };

        var updated = (await Templates.UpdateAsync(Tenant, created.TemplateId, new TemplatePatch("after", "new description", ["x"], body), Ct)).Value;

        Assert.Equal("after", updated.Name);
        Assert.Equal("new description", updated.Description);
        Assert.Equal(["x"], updated.Tags);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.InRange(updated.UpdatedAt, before, Now());
        var expected = FullTemplate(Tenant, created.TemplateId, "after");
        expected.Description = "new description";
        expected.Tags = ["x"];
        expected.Template = new TemplateBody { EntityType = "email", Settings = new JsonObject { ["window_days"] = 30 }, Agents = ["network"] };
        expected.CreatedAt = created.CreatedAt;
        expected.UpdatedAt = updated.UpdatedAt;
        AssertSameDocument(expected, updated);
        AssertSameDocument(expected, await Templates.GetAsync(Tenant, created.TemplateId, Ct));
    }

    [Fact]
    public async Task Update_with_an_empty_patch_changes_only_updated_at()
    {
        var created = await Create(FullTemplate(Tenant, NewId("tpl"), "same"));

        var updated = (await Templates.UpdateAsync(Tenant, created.TemplateId, new TemplatePatch(), Ct)).Value;

        created.UpdatedAt = updated.UpdatedAt;
        AssertSameDocument(created, await Templates.GetAsync(Tenant, created.TemplateId, Ct));
    }

    [Fact]
    public async Task Update_to_a_name_the_owner_uses_on_another_template_is_Duplicate_name()
    {
        await Create(NewTemplate(Tenant, NewId("tpl"), "taken", "alice"));
        await Create(NewTemplate(Tenant, NewId("tpl"), "bobs", "bob"));
        var mine = await Create(NewTemplate(Tenant, NewId("tpl"), "mine", "alice"));

        var clash = await Templates.UpdateAsync(Tenant, mine.TemplateId, new TemplatePatch(Name: "taken"), Ct);
        var ownName = await Templates.UpdateAsync(Tenant, mine.TemplateId, new TemplatePatch(Name: "mine", Description: "d"), Ct);
        var otherUsersName = await Templates.UpdateAsync(Tenant, mine.TemplateId, new TemplatePatch(Name: "bobs"), Ct);

        Assert.Equal(new Outcome<InvestigationTemplate>.Duplicate("name"), clash);
        Assert.True(ownName.IsOk);
        Assert.Equal("bobs", otherUsersName.Value.Name);
    }

    [Fact]
    public async Task Update_is_NotFound_for_a_missing_id_and_for_another_tenants_template()
    {
        var created = await Create(NewTemplate(Tenant, NewId("tpl"), "mine"));

        var missing = await Templates.UpdateAsync(Tenant, NewId("missing"), new TemplatePatch(Name: "x"), Ct);
        var foreign = await Templates.UpdateAsync(OtherTenant, created.TemplateId, new TemplatePatch(Name: "x"), Ct);

        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(missing);
        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(foreign);
        Assert.Equal("mine", (await Templates.GetAsync(Tenant, created.TemplateId, Ct))!.Name);
    }

    [Fact]
    public async Task Guarded_update_by_the_owner_writes_and_by_anyone_else_is_Forbidden_with_nothing_written()
    {
        var created = await Create(NewTemplate(Tenant, NewId("tpl"), "alices", "alice"));

        var byBob = await Templates.UpdateAsync(Tenant, created.TemplateId, new TemplateWriteGuard("bob"), new TemplatePatch(Name: "stolen"), Ct);
        var missing = await Templates.UpdateAsync(Tenant, NewId("missing"), new TemplateWriteGuard("bob"), new TemplatePatch(Name: "x"), Ct);
        var foreign = await Templates.UpdateAsync(OtherTenant, created.TemplateId, new TemplateWriteGuard("alice"), new TemplatePatch(Name: "x"), Ct);

        Assert.IsType<Outcome<InvestigationTemplate>.Forbidden>(byBob);
        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(missing);
        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(foreign);
        AssertSameDocument(created, await Templates.GetAsync(Tenant, created.TemplateId, Ct));

        var byAlice = await Templates.UpdateAsync(Tenant, created.TemplateId, new TemplateWriteGuard("alice"), new TemplatePatch(Name: "renamed"), Ct);
        Assert.Equal("renamed", byAlice.Value.Name);
        Assert.Equal("renamed", (await Templates.GetAsync(Tenant, created.TemplateId, Ct))!.Name);
    }

    // ---- usage --------------------------------------------------------------------------------------------

    [Fact]
    public async Task RecordUsage_increments_usage_count_and_sets_last_used_only()
    {
        var created = await Create(FullTemplate(Tenant, NewId("tpl"), "used"));

        await Templates.RecordUsageAsync(Tenant, created.TemplateId, T0, Ct);
        var used = (await Templates.RecordUsageAsync(Tenant, created.TemplateId, T0.AddHours(1), Ct)).Value;

        created.UsageCount = 2;
        created.LastUsed = T0.AddHours(1);
        AssertSameDocument(created, used);
        AssertSameDocument(created, await Templates.GetAsync(Tenant, created.TemplateId, Ct));
    }

    [Fact]
    public async Task RecordUsage_is_NotFound_for_a_missing_id_and_for_another_tenants_template()
    {
        var created = await Create(NewTemplate(Tenant, NewId("tpl"), "mine"));

        var missing = await Templates.RecordUsageAsync(Tenant, NewId("missing"), T0, Ct);
        var foreign = await Templates.RecordUsageAsync(OtherTenant, created.TemplateId, T0, Ct);

        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(missing);
        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(foreign);
        Assert.Equal(0, (await Templates.GetAsync(Tenant, created.TemplateId, Ct))!.UsageCount);
    }

    [Fact]
    public async Task Twenty_parallel_usages_count_exactly_twenty()
    {
        var created = await Create(NewTemplate(Tenant, NewId("tpl"), "busy"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Repo<ITemplateRepository>().RecordUsageAsync(Tenant, created.TemplateId, T0.AddSeconds(i), Ct)));

        Assert.All(outcomes, o => Assert.True(o.IsOk));
        Assert.Equal(20, (await Templates.GetAsync(Tenant, created.TemplateId, Ct))!.UsageCount);
    }

    // ---- delete -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Delete_removes_the_template_once_and_never_another_tenants()
    {
        var created = await Create(NewTemplate(Tenant, NewId("tpl"), "doomed"));

        Assert.False(await Templates.DeleteAsync(OtherTenant, created.TemplateId, Ct));
        Assert.NotNull(await Templates.GetAsync(Tenant, created.TemplateId, Ct));
        Assert.True(await Templates.DeleteAsync(Tenant, created.TemplateId, Ct));
        Assert.Null(await Templates.GetAsync(Tenant, created.TemplateId, Ct));
        Assert.False(await Templates.DeleteAsync(Tenant, created.TemplateId, Ct));
    }

    [Fact]
    public async Task Guarded_delete_by_the_owner_returns_the_template_and_by_anyone_else_is_Forbidden_with_nothing_deleted()
    {
        var created = await Create(NewTemplate(Tenant, NewId("tpl"), "alices", "alice"));

        var byBob = await Templates.DeleteAsync(Tenant, created.TemplateId, new TemplateWriteGuard("bob"), Ct);
        var foreign = await Templates.DeleteAsync(OtherTenant, created.TemplateId, new TemplateWriteGuard("alice"), Ct);

        Assert.IsType<Outcome<InvestigationTemplate>.Forbidden>(byBob);
        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(foreign);
        AssertSameDocument(created, await Templates.GetAsync(Tenant, created.TemplateId, Ct));

        var byAlice = await Templates.DeleteAsync(Tenant, created.TemplateId, new TemplateWriteGuard("alice"), Ct);
        AssertSameDocument(created, byAlice.Value);
        Assert.Null(await Templates.GetAsync(Tenant, created.TemplateId, Ct));
        Assert.IsType<Outcome<InvestigationTemplate>.NotFound>(await Templates.DeleteAsync(Tenant, created.TemplateId, new TemplateWriteGuard("alice"), Ct));
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<ITemplateRepository>();
        string[] ordered = ["B-tpl", "Z-tpl", "_-tpl", "a-tpl", "b-tpl"];
        string[] created = ["a-tpl", "_-tpl", "Z-tpl", "b-tpl", "B-tpl"];
        foreach (var (id, i) in created.Select((id, i) => (id, i)))
            await repo.CreateAsync(NewTemplate(i % 2 == 0 ? Tenant : OtherTenant, id, $"name-{i}"), Ct);
        // Keys are (tenant_id, id), ordinal, tenant first; the ids alone keep their ordinal order within a tenant.
        var expected = created.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        Assert.Equal(expected, await repo.ExportAsync(cancellationToken: Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Equal(ordered.Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)), (await repo.ExportAsync(cancellationToken: Ct).ToListAsync(Ct)).Select(x => x.TemplateId).Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)));
        Assert.Equal(expected.Skip(2), await repo.ExportAsync(expected[1], Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Empty(await repo.ExportAsync(expected[^1], Ct).ToListAsync(Ct));
        Assert.Equal(5, await repo.CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var existing = await Create(NewTemplate(Tenant, NewId("tpl"), "old"));
        var replacement = FullTemplate(Tenant, existing.TemplateId, "replaced");
        replacement.UsageCount = 41;
        replacement.LastUsed = T0.AddDays(-1);
        replacement.CreatedAt = T0.AddDays(-30);
        replacement.UpdatedAt = T0.AddDays(-2);
        var fresh = FullTemplate(OtherTenant, NewId("tpl"), "fresh");

        var written = await Templates.BulkUpsertAsync([replacement, fresh], Ct);

        Assert.Equal(2, written);
        AssertSameDocument(replacement, await Templates.GetAsync(Tenant, existing.TemplateId, Ct));
        AssertSameDocument(fresh, await Templates.GetAsync(OtherTenant, fresh.TemplateId, Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private async Task<InvestigationTemplate> Create(InvestigationTemplate template) => (await Templates.CreateAsync(template, Ct)).Value;

    private async Task<List<string>> Ids(TemplateQuery query)
        => (await Templates.ListAsync(Tenant, query, new PageRequest(1, PageRequest.MaxPageSize), Ct)).Items.Select(x => x.TemplateId).ToList();

    private static InvestigationTemplate NewTemplate(string tenant, string id, string name, string userId = "alice", List<string>? tags = null) => new()
    {
        TemplateId = id,
        UserId = userId,
        TenantId = tenant,
        Name = name,
        Tags = tags ?? [],
    };

    private static InvestigationTemplate FullTemplate(string tenant, string id, string name) => new()
    {
        TemplateId = id,
        UserId = "alice",
        TenantId = tenant,
        Name = name,
        Description = "Checks devices, locations and velocity",
        Tags = ["ato", "priority"],
        Template = new TemplateBody
        {
            EntityType = "user_id",
            Settings = new JsonObject
            {
                ["time_range"] = new JsonObject { ["duration_hours"] = 48, ["type"] = "relative" },
                ["correlation_mode"] = "AND",
                ["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "ip", ["entity_value"] = "10.0.0.1" }),
                ["auto_select_entities"] = false,
                ["note"] = null,
            },
            Agents = ["device", "location"],
            DataSources = ["snowflake"],
            DefaultParams = new JsonObject { ["threshold"] = 0.75, ["limits"] = new JsonArray(1, 2, 3) },
            UnknownMembers = Unknown("template"),
        },
        UsageCount = 0,
        LastUsed = T0,
        CreatedAt = T0,
        UpdatedAt = T0,
    };
}
