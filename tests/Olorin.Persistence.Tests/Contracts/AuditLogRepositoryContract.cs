using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class AuditLogRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private IAuditLogRepository AuditLog => Repo<IAuditLogRepository>();

    [Fact]
    public async Task Append_stores_every_field_and_GetHistory_reads_it_back()
    {
        var entry = FullEntry(Tenant, "inv-1", Now());

        await AuditLog.AppendAsync(entry, Ct);

        var stored = Assert.Single(await AuditLog.GetHistoryAsync(Tenant, "inv-1", 10, 0, Ct));
        AssertSameDocument(entry, stored);
        Assert.Equal(AuditActionType.Execute, stored.Metadata.ActionType);
        Assert.Equal(AuditSource.Webhook, stored.Metadata.Source);
        Assert.Equal(DateTimeKind.Utc, stored.Timestamp.Kind);
    }

    [Fact]
    public async Task GetHistory_is_newest_first_then_entry_id_descending_and_pages_with_limit_and_offset()
    {
        var t = Now();
        var entries = new[]
        {
            Entry(Tenant, "inv-1", t.AddSeconds(-2), "e-1"),
            Entry(Tenant, "inv-1", t, "e-2"),
            Entry(Tenant, "inv-1", t, "e-3"),
            Entry(Tenant, "inv-1", t.AddSeconds(-1), "e-4"),
            Entry(Tenant, "inv-2", t.AddSeconds(5), "e-5"),
            Entry(OtherTenant, "inv-1", t.AddSeconds(5), "e-6"),
        };
        foreach (var e in entries) await AuditLog.AppendAsync(e, Ct);

        var all = await AuditLog.GetHistoryAsync(Tenant, "inv-1", 10, 0, Ct);
        var page = await AuditLog.GetHistoryAsync(Tenant, "inv-1", 2, 1, Ct);

        Assert.Equal(Ids(Tenant, "e-3", "e-2", "e-4", "e-1"), all.Select(e => e.EntryId));
        Assert.Equal(Ids(Tenant, "e-2", "e-4"), page.Select(e => e.EntryId));
        Assert.Empty(await AuditLog.GetHistoryAsync(Tenant, "inv-1", 10, 4, Ct));
        Assert.Equal(Ids(OtherTenant, "e-6"), (await AuditLog.GetHistoryAsync(OtherTenant, "inv-1", 10, 0, Ct)).Select(e => e.EntryId));
        Assert.Empty(await AuditLog.GetHistoryAsync(Tenant, "inv-missing", 10, 0, Ct));
    }

    [Fact]
    public async Task ListByTimeRange_includes_from_excludes_to_newest_first_and_honours_the_limit()
    {
        var from = Now().AddHours(-1);
        var to = from.AddMinutes(30);
        var entries = new[]
        {
            Entry(Tenant, "inv-1", from.AddMilliseconds(-1), "before"),
            Entry(Tenant, "inv-1", from, "at-from"),
            Entry(Tenant, "inv-2", from.AddMinutes(10), "inside"),
            Entry(Tenant, "inv-1", to.AddMilliseconds(-1), "last"),
            Entry(Tenant, "inv-1", to, "at-to"),
            Entry(OtherTenant, "inv-1", from.AddMinutes(5), "foreign"),
        };
        foreach (var e in entries) await AuditLog.AppendAsync(e, Ct);

        var all = await AuditLog.ListByTimeRangeAsync(Tenant, from, to, new AuditLogQuery(), 100, Ct);
        var limited = await AuditLog.ListByTimeRangeAsync(Tenant, from, to, new AuditLogQuery(), 2, Ct);

        Assert.Equal(Ids(Tenant, "last", "inside", "at-from"), all.Select(e => e.EntryId));
        Assert.Equal(Ids(Tenant, "last", "inside"), limited.Select(e => e.EntryId));
    }

    [Fact]
    public async Task ListByTimeRange_filters_by_action_type_user_and_investigation()
    {
        var t = Now();
        var a = Entry(Tenant, "inv-1", t, "a", AuditActionType.Create, "alice");
        var b = Entry(Tenant, "inv-2", t.AddSeconds(1), "b", AuditActionType.Update, "alice");
        var c = Entry(Tenant, "inv-1", t.AddSeconds(2), "c", AuditActionType.Update, "bob");
        var foreign = Entry(OtherTenant, "inv-1", t, "d", AuditActionType.Update, "bob");
        foreach (var e in new[] { a, b, c, foreign }) await AuditLog.AppendAsync(e, Ct);

        async Task<IEnumerable<string>> Query(AuditLogQuery q)
            => (await AuditLog.ListByTimeRangeAsync(Tenant, t.AddMinutes(-1), t.AddMinutes(1), q, 100, Ct)).Select(e => e.EntryId);

        Assert.Equal(Ids(Tenant, "c", "b"), await Query(new AuditLogQuery(ActionType: AuditActionType.Update)));
        Assert.Equal(Ids(Tenant, "b", "a"), await Query(new AuditLogQuery(UserId: "alice")));
        Assert.Equal(Ids(Tenant, "c", "a"), await Query(new AuditLogQuery(InvestigationId: "inv-1")));
        Assert.Equal(Ids(Tenant, "c"), await Query(new AuditLogQuery(AuditActionType.Update, "bob", "inv-1")));
        Assert.Empty(await Query(new AuditLogQuery(ActionType: AuditActionType.Delete)));
    }

    [Fact]
    public async Task CountByActionType_counts_the_tenants_entries_inside_the_range()
    {
        var from = Now().AddHours(-1);
        var to = from.AddMinutes(10);
        var entries = new[]
        {
            Entry(Tenant, "inv-1", from, "1", AuditActionType.Create),
            Entry(Tenant, "inv-1", from.AddMinutes(1), "2", AuditActionType.Update),
            Entry(Tenant, "inv-1", from.AddMinutes(2), "3", AuditActionType.Update),
            Entry(Tenant, "inv-1", to, "4", AuditActionType.Delete),
            Entry(OtherTenant, "inv-1", from, "5", AuditActionType.Execute),
        };
        foreach (var e in entries) await AuditLog.AppendAsync(e, Ct);

        var counts = await AuditLog.CountByActionTypeAsync(Tenant, from, to, Ct);

        Assert.Equal(new Dictionary<AuditActionType, long> { [AuditActionType.Create] = 1, [AuditActionType.Update] = 2 }, counts);
        Assert.Empty(await AuditLog.CountByActionTypeAsync(Tenant, to.AddMinutes(1), to.AddMinutes(2), Ct));
    }

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IAuditLogRepository>();
        string[] ids = ["m", "M", "a-2", "a_2", "0", "ü"];
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var e = Entry(i % 2 == 0 ? Tenant : OtherTenant, "inv-1", Now(), "x");
            e.EntryId = id;
            await store.Repo<IAuditLogRepository>().AppendAsync(e, Ct);
        }

        var all = await store.Repo<IAuditLogRepository>().ExportAsync(null, Ct).ToListAsync(Ct);
        var resumed = await store.Repo<IAuditLogRepository>().ExportAsync("M", Ct).ToListAsync(Ct);

        var ordinal = ids.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ordinal, all.Select(repo.KeyOf));
        Assert.Equal(ordinal.Where(id => string.CompareOrdinal(id, "M") > 0), resumed.Select(repo.KeyOf));
        Assert.Equal(ids.Length, await store.Repo<IAuditLogRepository>().CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_entries_verbatim_and_replaces_an_existing_one()
    {
        var original = Entry(Tenant, "inv-1", Now(), "bulk");
        await AuditLog.AppendAsync(original, Ct);
        var replacement = FullEntry(Tenant, "inv-1", new DateTime(2022, 3, 4, 5, 6, 7, 890, DateTimeKind.Utc));
        replacement.EntryId = original.EntryId;
        var added = FullEntry(OtherTenant, "inv-9", new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(2, await AuditLog.BulkUpsertAsync([replacement, added], Ct));

        AssertSameDocument(replacement, Assert.Single(await AuditLog.GetHistoryAsync(Tenant, "inv-1", 10, 0, Ct)));
        AssertSameDocument(added, Assert.Single(await AuditLog.GetHistoryAsync(OtherTenant, "inv-9", 10, 0, Ct)));
    }

    private static IEnumerable<string> Ids(string tenant, params string[] names) => names.Select(n => $"{tenant}:{n}");

    private static AuditLogEntry Entry(
        string tenant, string investigationId, DateTime timestamp, string name,
        AuditActionType action = AuditActionType.Update, string user = "analyst-1") => new()
    {
        EntryId = $"{tenant}:{name}",
        Metadata = new AuditLogMetadata
        {
            InvestigationId = investigationId, UserId = user, TenantId = tenant, ActionType = action, Source = AuditSource.Api,
        },
        Timestamp = timestamp,
    };

    private static AuditLogEntry FullEntry(string tenant, string investigationId, DateTime timestamp) => new()
    {
        EntryId = NewId("entry"),
        Metadata = new AuditLogMetadata
        {
            InvestigationId = investigationId, UserId = "worker-3", TenantId = tenant,
            ActionType = AuditActionType.Execute, Source = AuditSource.Webhook,
        },
        Timestamp = timestamp,
        Changes = new AuditChanges
        {
            FieldsModified = ["status", "progress"],
            Before = new JsonObject { ["status"] = "CREATED" },
            After = new JsonObject { ["status"] = "IN_PROGRESS", ["progress"] = new JsonObject { ["phases"] = new JsonArray("a", "b") } },
        },
        StateSnapshot = new JsonObject { ["investigation_id"] = investigationId, ["version"] = 4, ["nested"] = new JsonObject { ["ok"] = true } },
        FromVersion = 3,
        ToVersion = 4,
        IpAddress = "198.51.100.4",
        UserAgent = "olorin-worker/1.0",
    };
}
