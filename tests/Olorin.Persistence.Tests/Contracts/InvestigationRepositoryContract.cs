using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Auditing;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Transitions;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class InvestigationRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private static readonly AuditContext Audit = new("analyst-1", AuditSource.Ui, "10.0.0.7", "contract-tests");

    private IInvestigationRepository Investigations => Repo<IInvestigationRepository>();
    private IAuditLogRepository AuditLog => Repo<IAuditLogRepository>();

    // ---- create / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Create_stores_version_1_with_now_timestamps_and_appends_a_CREATE_entry()
    {
        var before = Now();
        var input = NewInvestigation(Tenant);
        input.Version = 7;
        input.CreatedAt = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var created = (await Investigations.CreateAsync(input, Audit, Ct)).Value;

        Assert.Equal(1, created.Version);
        Assert.InRange(created.CreatedAt, before, Now());
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        var stored = await Investigations.GetAsync(Tenant, created.InvestigationId, Ct);
        AssertSameDocument(created, stored);

        var entry = Assert.Single(await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct));
        Assert.Equal(AuditActionType.Create, entry.Metadata.ActionType);
        Assert.Equal(Audit.UserId, entry.Metadata.UserId);
        Assert.Equal(Audit.Source, entry.Metadata.Source);
        Assert.Equal(Tenant, entry.Metadata.TenantId);
        Assert.Null(entry.FromVersion);
        Assert.Equal(1, entry.ToVersion);
        Assert.Equal(created.CreatedAt, entry.Timestamp);
        Assert.Equal(Audit.IpAddress, entry.IpAddress);
        Assert.Equal(Audit.UserAgent, entry.UserAgent);
        Assert.Equal(created.InvestigationId, (string?)entry.StateSnapshot["investigation_id"]);
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_in_the_tenant_and_writes_no_audit_entry_but_another_tenant_may_use_it()
    {
        var first = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;

        var again = await Investigations.CreateAsync(NewInvestigation(Tenant, first.InvestigationId), Audit, Ct);
        var fromOther = await Investigations.CreateAsync(NewInvestigation(OtherTenant, first.InvestigationId), Audit, Ct);

        Assert.Equal(new Outcome<Investigation>.Duplicate("investigation_id"), again);
        // Ids are unique per tenant (Decision 4 revised): the other tenant gets its own investigation under that id.
        Assert.IsType<Outcome<Investigation>.Ok>(fromOther);
        Assert.Single(await AuditLog.GetHistoryAsync(Tenant, first.InvestigationId, 10, 0, Ct));
        Assert.Single(await AuditLog.GetHistoryAsync(OtherTenant, first.InvestigationId, 10, 0, Ct));
        Assert.Equal(Tenant, (await Investigations.GetAsync(Tenant, first.InvestigationId, Ct))!.TenantId);
        Assert.Equal(OtherTenant, (await Investigations.GetAsync(OtherTenant, first.InvestigationId, Ct))!.TenantId);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_investigation()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;

        Assert.Null(await Investigations.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Investigations.GetAsync(OtherTenant, created.InvestigationId, Ct));
    }

    [Fact]
    public async Task Every_field_round_trips_including_nested_json_enums_and_dates()
    {
        var input = FullInvestigation(Tenant);
        var created = (await Investigations.CreateAsync(input, Audit, Ct)).Value;

        var stored = await Investigations.GetAsync(Tenant, created.InvestigationId, Ct);

        AssertSameDocument(created, stored);
        Assert.Equal(InvestigationStatus.InProgress, stored!.Status);
        Assert.Equal(LifecycleStage.InProgress, stored.LifecycleStage);
        // Free-form objects come back exactly as sent (Decision 12): the time range in the spelling and form the client used.
        Assert.Equal("2026-01-01T00:00:00", (string?)stored.Settings!["time_range"]!["start_time"]);
        Assert.Equal("device_analysis", (string?)stored.Settings["tools"]![0]!["tool_id"]);
        Assert.Equal(3, (int?)stored.Results!["findings"]![0]!["details"]!["nested"]!["depth"]);
    }

    // ---- list ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_orders_by_updated_at_descending_then_id_and_pages()
    {
        var t0 = Now().AddHours(-1);
        var docs = new[]
        {
            Stored(Tenant, "inv-c", t0.AddMinutes(1)),
            Stored(Tenant, "inv-a", t0.AddMinutes(2)),
            Stored(Tenant, "inv-b", t0.AddMinutes(2)),
            Stored(Tenant, "inv-d", t0),
            Stored(Tenant, "inv-e", t0.AddMinutes(3)),
        };
        // Ids are global, so make them unique to this test while keeping their order.
        foreach (var d in docs) d.InvestigationId = $"{Tenant}-{d.InvestigationId}";
        await Investigations.BulkUpsertAsync(docs, Ct);
        await Investigations.BulkUpsertAsync([Stored(OtherTenant, NewId("other"), t0.AddMinutes(9))], Ct);

        var first = await Investigations.ListAsync(Tenant, new InvestigationQuery(), new PageRequest(1, 2), Ct);
        var second = await Investigations.ListAsync(Tenant, new InvestigationQuery(), new PageRequest(2, 2), Ct);
        var last = await Investigations.ListAsync(Tenant, new InvestigationQuery(), new PageRequest(3, 2), Ct);

        string[] expected = ["inv-e", "inv-a", "inv-b", "inv-c", "inv-d"];
        Assert.Equal(expected.Select(e => $"{Tenant}-{e}"),
            first.Items.Concat(second.Items).Concat(last.Items).Select(x => x.InvestigationId));
        Assert.All(new[] { first, second, last }, p => Assert.Equal(5, p.TotalCount));
        Assert.True(first.HasNextPage);
        Assert.False(first.HasPreviousPage);
        Assert.True(second.HasNextPage);
        Assert.False(last.HasNextPage);
        Assert.Single(last.Items);
    }

    [Fact]
    public async Task List_filters_by_status_owner_and_escaped_case_insensitive_id_substring()
    {
        var t0 = Now();
        var a = Stored(Tenant, $"{Tenant}-Alpha_1%", t0);
        a.Status = InvestigationStatus.Completed;
        var b = Stored(Tenant, $"{Tenant}-alphaX1z", t0);
        b.UserId = "owner-b";
        var c = Stored(Tenant, $"{Tenant}-beta", t0);
        var other = Stored(OtherTenant, $"{OtherTenant}-alpha_1%", t0);
        other.Status = InvestigationStatus.Completed;
        await Investigations.BulkUpsertAsync([a, b, c, other], Ct);

        async Task<string[]> Ids(InvestigationQuery q)
            => (await Investigations.ListAsync(Tenant, q, new PageRequest(), Ct)).Items.Select(x => x.InvestigationId).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal([a.InvestigationId], await Ids(new InvestigationQuery(Status: InvestigationStatus.Completed)));
        Assert.Equal([b.InvestigationId], await Ids(new InvestigationQuery(UserId: "owner-b")));
        Assert.Equal([a.InvestigationId, b.InvestigationId], await Ids(new InvestigationQuery(Search: "ALPHA")));
        // '_' and '%' are literal, not wildcards: "alphaX1z" does not match "a_1%".
        Assert.Equal([a.InvestigationId], await Ids(new InvestigationQuery(Search: "a_1%")));
        Assert.Empty(await Ids(new InvestigationQuery(Search: @"\")));
        Assert.Empty(await Ids(new InvestigationQuery(Status: InvestigationStatus.Completed, UserId: "owner-b")));
    }

    [Fact]
    public async Task List_of_a_tenant_without_investigations_is_empty()
    {
        await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct);

        var page = await Investigations.ListAsync(OtherTenant, new InvestigationQuery(), new PageRequest(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
        Assert.False(page.HasNextPage);
    }

    // ---- update -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Update_applies_the_patch_bumps_version_and_appends_an_UPDATE_entry()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var patch = new InvestigationPatch(
            Status: InvestigationStatus.InProgress,
            Results: new JsonObject { ["summary"] = "card testing ring", ["risk_score"] = 0.91 });

        var updated = (await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, patch, Audit, Ct)).Value;

        Assert.Equal(2, updated.Version);
        Assert.Equal(InvestigationStatus.InProgress, updated.Status);
        Assert.Equal(LifecycleStage.Created, updated.LifecycleStage);
        Assert.True(JsonNode.DeepEquals(created.Settings, updated.Settings));
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        AssertSameDocument(updated, await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));

        var history = await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct);
        var entry = Assert.Single(history, e => e.Metadata.ActionType == AuditActionType.Update);
        Assert.Equal(1, entry.FromVersion);
        Assert.Equal(2, entry.ToVersion);
        Assert.Equal(["results", "status"], entry.Changes.FieldsModified.Order(StringComparer.Ordinal));
        Assert.Equal("IN_PROGRESS", (string?)entry.Changes.After["status"]);
        Assert.Equal("CREATED", (string?)entry.Changes.Before["status"]);
    }

    /// <summary>About 5 MB of findings (5,120 objects of ~1 KB).</summary>
    private static System.Text.Json.Nodes.JsonObject FiveMegabytesOfResults(string tag) => new()
    {
        ["summary"] = tag,
        ["findings"] = new System.Text.Json.Nodes.JsonArray(Enumerable.Range(0, 5 * 1024).Select(i => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = $"{tag}-{i}",
            ["text"] = new string((char)('a' + i % 26), 1000),
        }).ToArray()),
    };

    [Fact]
    public async Task An_investigation_with_5_MB_of_results_stays_creatable_updatable_and_deletable_with_bounded_audit_entries()
    {
        var input = NewInvestigation(Tenant);
        input.Results = FiveMegabytesOfResults("first");
        var created = (await Investigations.CreateAsync(input, Audit, Ct)).Value;

        var updated = await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, new InvestigationPatch(Results: FiveMegabytesOfResults("second")), Audit, Ct);
        Assert.Equal(2, updated.Value.Version);
        Assert.Equal("second", (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!.Results!["summary"]!.GetValue<string>());
        Assert.IsType<Outcome<Investigation>.Ok>(await Investigations.DeleteAsync(Tenant, created.InvestigationId, Audit, Ct));

        var history = await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct);
        Assert.Equal(3, history.Count);
        Assert.All(history, e =>
        {
            Assert.True(AuditEntries.JsonSize(e) <= AuditEntries.MaxEntryBytes, $"{e.Metadata.ActionType}: {AuditEntries.JsonSize(e)} bytes");
            Assert.Contains(AuditEntries.SnapshotName, e.Changes.Truncated);
            Assert.Equal(true, (bool?)e.StateSnapshot["truncated"]);
        });
        var update = Assert.Single(history, e => e.Metadata.ActionType == AuditActionType.Update);
        Assert.Equal(["results"], update.Changes.FieldsModified);
        Assert.Contains("results", update.Changes.Truncated);
        Assert.Equal(2, (int?)update.StateSnapshot["version"]);
    }

    [Fact]
    public async Task Update_with_a_stale_version_is_VersionConflict_with_the_current_version_and_changes_nothing()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, new InvestigationPatch(Status: InvestigationStatus.Settings), Audit, Ct);

        var stale = await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, new InvestigationPatch(Status: InvestigationStatus.Error), Audit, Ct);

        Assert.Equal(new Outcome<Investigation>.VersionConflict(2), stale);
        var stored = await Investigations.GetAsync(Tenant, created.InvestigationId, Ct);
        Assert.Equal(InvestigationStatus.Settings, stored!.Status);
        Assert.Equal(2, (await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct)).Count);
    }

    [Fact]
    public async Task Update_of_a_missing_or_foreign_investigation_is_NotFound()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var patch = new InvestigationPatch(Status: InvestigationStatus.Cancelled);

        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.UpdateAsync(Tenant, NewId("missing"), 1, patch, Audit, Ct));
        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.UpdateAsync(OtherTenant, created.InvestigationId, 1, patch, Audit, Ct));
        Assert.Equal(InvestigationStatus.Created, (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!.Status);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_expected_version_let_exactly_one_win()
    {
        const int writers = 20;
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var repositories = Enumerable.Range(0, writers).Select(_ => Repo<IInvestigationRepository>()).ToList();

        var outcomes = await Task.WhenAll(repositories.Select((repo, i) => Task.Run(() => repo.UpdateAsync(
            Tenant, created.InvestigationId, 1,
            new InvestigationPatch(Progress: new JsonObject { ["current_phase"] = $"writer-{i}" }), Audit, Ct))));

        Assert.Single(outcomes, o => o.IsOk);
        Assert.Equal(writers - 1, outcomes.Count(o => o is Outcome<Investigation>.VersionConflict { CurrentVersion: 2 }));
        var stored = await Investigations.GetAsync(Tenant, created.InvestigationId, Ct);
        Assert.Equal(2, stored!.Version);
        Assert.Equal((string?)outcomes.Single(o => o.IsOk).Value.Progress!["current_phase"], (string?)stored.Progress!["current_phase"]);
        var history = await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 100, 0, Ct);
        Assert.Single(history, e => e.Metadata.ActionType == AuditActionType.Update);
    }

    // ---- progress / last accessed -------------------------------------------------------------------------

    [Fact]
    public async Task UpdateProgress_replaces_progress_and_moves_updated_at_without_bumping_version()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var progress = new JsonObject
        {
            ["current_phase"] = "network-analysis",
            ["progress_percentage"] = 42.5,
            ["phases_completed"] = new JsonArray("init", "device"),
            ["estimated_completion"] = "2026-01-01T10:00:00Z",
            ["additional_data"] = new JsonObject { ["agents"] = new JsonArray("device", "network") },
        };

        var updated = (await Investigations.UpdateProgressAsync(Tenant, created.InvestigationId, progress, Ct)).Value;

        Assert.Equal(1, updated.Version);
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
        Assert.True(JsonNode.DeepEquals(Node(progress), Node(updated.Progress)));
        AssertSameDocument(updated, await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
        Assert.Single(await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct));
        // The version the client read is still valid for its next update.
        Assert.True((await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, new InvestigationPatch(), Audit, Ct)).IsOk);
    }

    [Fact]
    public async Task UpdateProgress_of_a_missing_or_foreign_investigation_is_NotFound()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var progress = new JsonObject { ["current_phase"] = "x" };

        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.UpdateProgressAsync(Tenant, NewId("missing"), progress, Ct));
        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.UpdateProgressAsync(OtherTenant, created.InvestigationId, progress, Ct));
        Assert.Null((await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!.Progress);
    }

    [Fact]
    public async Task TouchLastAccessed_sets_only_last_accessed_and_is_false_for_missing_or_foreign()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var accessedAt = Now().AddMinutes(3);

        Assert.True(await Investigations.TouchLastAccessedAsync(Tenant, created.InvestigationId, accessedAt, accessedAt, Ct));
        Assert.False(await Investigations.TouchLastAccessedAsync(Tenant, NewId("missing"), accessedAt, accessedAt, Ct));
        Assert.False(await Investigations.TouchLastAccessedAsync(OtherTenant, created.InvestigationId, accessedAt.AddDays(1), accessedAt.AddDays(1), Ct));

        var stored = await Investigations.GetAsync(Tenant, created.InvestigationId, Ct);
        Assert.Equal(accessedAt, stored!.LastAccessed);
        Assert.Equal(created.Version, stored.Version);
        Assert.Equal(created.UpdatedAt, stored.UpdatedAt);
    }

    [Fact]
    public async Task TouchLastAccessed_of_many_writes_each_one_only_where_the_stored_access_is_older_than_the_interval()
    {
        var recent = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var stale = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var never = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var at = Now().AddMinutes(3);
        Assert.True(await Investigations.TouchLastAccessedAsync(Tenant, recent.InvestigationId, at.AddSeconds(-30), at.AddSeconds(-30), Ct));
        Assert.True(await Investigations.TouchLastAccessedAsync(Tenant, stale.InvestigationId, at.AddSeconds(-90), at.AddSeconds(-90), Ct));

        var written = await Investigations.TouchLastAccessedAsync(
        [
            new InvestigationAccess(Tenant, recent.InvestigationId, at),
            new InvestigationAccess(Tenant, stale.InvestigationId, at),
            new InvestigationAccess(Tenant, never.InvestigationId, at),
            new InvestigationAccess(Tenant, NewId("missing"), at),
            new InvestigationAccess(OtherTenant, never.InvestigationId, at.AddDays(1)),
        ], TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(2, written);
        Assert.Equal(at.AddSeconds(-30), (await Investigations.GetAsync(Tenant, recent.InvestigationId, Ct))!.LastAccessed);
        Assert.Equal(at, (await Investigations.GetAsync(Tenant, stale.InvestigationId, Ct))!.LastAccessed);
        var stored = (await Investigations.GetAsync(Tenant, never.InvestigationId, Ct))!;
        Assert.Equal(at, stored.LastAccessed);
        Assert.Equal(never.Version, stored.Version);
        Assert.Equal(never.UpdatedAt, stored.UpdatedAt);
        Assert.Equal(0, await Investigations.TouchLastAccessedAsync([], TimeSpan.FromSeconds(60), Ct));
    }

    [Fact]
    public async Task TouchLastAccessed_writes_nothing_while_the_stored_access_is_within_the_interval()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var first = Now().AddMinutes(3);
        Assert.True(await Investigations.TouchLastAccessedAsync(Tenant, created.InvestigationId, first, first.AddSeconds(-60), Ct));

        // 30 s later with a 60 s interval: the stored access is recent, nothing is written.
        var soon = first.AddSeconds(30);
        Assert.False(await Investigations.TouchLastAccessedAsync(Tenant, created.InvestigationId, soon, soon.AddSeconds(-60), Ct));
        Assert.Equal(first, (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!.LastAccessed);

        // 61 s later: it is written again.
        var later = first.AddSeconds(61);
        Assert.True(await Investigations.TouchLastAccessedAsync(Tenant, created.InvestigationId, later, later.AddSeconds(-60), Ct));
        var stored = (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!;
        Assert.Equal(later, stored.LastAccessed);
        Assert.Equal(created.Version, stored.Version);
        Assert.Equal(created.UpdatedAt, stored.UpdatedAt);
    }

    // ---- guarded writes -------------------------------------------------------------------------------------

    [Fact]
    public async Task A_guarded_update_refuses_a_non_owner_a_stale_version_and_an_unknown_id_and_writes_nothing()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var patch = new InvestigationPatch(Status: InvestigationStatus.Completed);

        Assert.IsType<Outcome<Investigation>.Forbidden>(await Investigations.UpdateAsync(
            Tenant, created.InvestigationId, new InvestigationWriteGuard(1, Owner: "someone-else"), patch, Audit, Ct));
        Assert.Equal(new Outcome<Investigation>.VersionConflict(1), await Investigations.UpdateAsync(
            Tenant, created.InvestigationId, new InvestigationWriteGuard(2, Owner: created.UserId), patch, Audit, Ct));
        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.UpdateAsync(
            Tenant, NewId("missing"), new InvestigationWriteGuard(1, Owner: created.UserId), patch, Audit, Ct));
        Assert.IsType<Outcome<Investigation>.PreconditionFailed>(await Investigations.UpdateAsync(
            Tenant, created.InvestigationId, new InvestigationWriteGuard(1, created.UserId, stored => stored.Status == InvestigationStatus.Error), patch, Audit, Ct));

        var stored = (await Investigations.GetAsync(Tenant, created.InvestigationId, Ct))!;
        Assert.Equal(1, stored.Version);
        Assert.Equal(created.Status, stored.Status);
        Assert.Single(await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct));

        var updated = await Investigations.UpdateAsync(Tenant, created.InvestigationId, new InvestigationWriteGuard(1, Owner: created.UserId), patch, Audit, Ct);
        Assert.Equal(2, updated.Value.Version);
        Assert.Equal(2, (await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct)).Count);
    }

    [Fact]
    public async Task A_guarded_delete_refuses_a_non_owner_and_deletes_for_the_owner()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;

        Assert.IsType<Outcome<Investigation>.Forbidden>(await Investigations.DeleteAsync(
            Tenant, created.InvestigationId, new InvestigationWriteGuard(null, Owner: "someone-else"), Audit, Ct));
        Assert.NotNull(await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.DeleteAsync(
            Tenant, NewId("missing"), new InvestigationWriteGuard(null, Owner: created.UserId), Audit, Ct));

        Assert.IsType<Outcome<Investigation>.Ok>(await Investigations.DeleteAsync(
            Tenant, created.InvestigationId, new InvestigationWriteGuard(null, Owner: created.UserId), Audit, Ct));
        Assert.Null(await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
    }

    [Fact]
    public async Task A_guarded_delete_refuses_a_stale_version_and_a_failed_precondition_and_deletes_nothing()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var owner = created.UserId;

        var stale = await Investigations.DeleteAsync(Tenant, created.InvestigationId, new InvestigationWriteGuard(2, Owner: owner), Audit, Ct);
        Assert.Equal(1, Assert.IsType<Outcome<Investigation>.VersionConflict>(stale).CurrentVersion);
        Assert.IsType<Outcome<Investigation>.PreconditionFailed>(await Investigations.DeleteAsync(
            Tenant, created.InvestigationId, new InvestigationWriteGuard(1, owner, _ => false), Audit, Ct));
        Assert.NotNull(await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
        Assert.DoesNotContain(await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct), e => e.Metadata.ActionType == AuditActionType.Delete);

        var deleted = await Investigations.DeleteAsync(Tenant, created.InvestigationId, new InvestigationWriteGuard(1, owner, stored => stored.UserId == owner), Audit, Ct);
        Assert.Equal(created.InvestigationId, Assert.IsType<Outcome<Investigation>.Ok>(deleted).Value.InvestigationId);
        Assert.Null(await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
    }

    // ---- counts ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_totals_stay_exact_through_creates_status_changes_and_deletes_with_and_without_a_status_filter()
    {
        async Task<(long All, long Created, long Completed, long Other)> Totals()
        {
            var page = new PageRequest(1, 1);
            return ((await Investigations.ListAsync(Tenant, new InvestigationQuery(), page, Ct)).TotalCount,
                (await Investigations.ListAsync(Tenant, new InvestigationQuery(InvestigationStatus.Created), page, Ct)).TotalCount,
                (await Investigations.ListAsync(Tenant, new InvestigationQuery(InvestigationStatus.Completed), page, Ct)).TotalCount,
                (await Investigations.ListAsync(OtherTenant, new InvestigationQuery(), page, Ct)).TotalCount);
        }

        Assert.Equal((0, 0, 0, 0), await Totals());
        var made = new List<Investigation>();
        for (var i = 0; i < 5; i++) made.Add((await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value);
        await Investigations.CreateAsync(NewInvestigation(OtherTenant), Audit, Ct);
        Assert.Equal((5, 5, 0, 1), await Totals());

        await Investigations.UpdateAsync(Tenant, made[0].InvestigationId, 1, new InvestigationPatch(Status: InvestigationStatus.Completed), Audit, Ct);
        await Investigations.UpdateAsync(Tenant, made[1].InvestigationId, 1, new InvestigationPatch(Status: InvestigationStatus.Completed), Audit, Ct);
        await Investigations.UpdateAsync(Tenant, made[2].InvestigationId, 1, new InvestigationPatch(Metadata: new JsonObject { ["source"] = "USER" }), Audit, Ct);
        Assert.Equal((5, 3, 2, 1), await Totals());

        await Investigations.DeleteAsync(Tenant, made[0].InvestigationId, Audit, Ct);
        await Investigations.DeleteAsync(Tenant, made[3].InvestigationId, Audit, Ct);
        Assert.Equal((3, 2, 1, 1), await Totals());

        // Filters that are not counted (owner, id substring) are counted exactly the other way; same numbers.
        var byOwner = await Investigations.ListAsync(Tenant, new InvestigationQuery(UserId: made[1].UserId), new PageRequest(1, 1), Ct);
        Assert.Equal(3, byOwner.TotalCount);
        var bySearch = await Investigations.ListAsync(Tenant, new InvestigationQuery(Search: made[4].InvestigationId), new PageRequest(1, 1), Ct);
        Assert.Equal(1, bySearch.TotalCount);
    }

    // ---- delete -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Delete_returns_the_deleted_document_appends_a_DELETE_entry_and_keeps_the_history()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var updated = (await Investigations.UpdateAsync(Tenant, created.InvestigationId, 1, new InvestigationPatch(Status: InvestigationStatus.Completed), Audit, Ct)).Value;

        var deleted = (await Investigations.DeleteAsync(Tenant, created.InvestigationId, Audit, Ct)).Value;

        AssertSameDocument(updated, deleted);
        Assert.Null(await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
        var history = await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct);
        Assert.Equal(
            [AuditActionType.Create, AuditActionType.Update, AuditActionType.Delete],
            history.Select(e => e.Metadata.ActionType).Order());
        var entry = history.Single(e => e.Metadata.ActionType == AuditActionType.Delete);
        Assert.Equal(2, entry.FromVersion);
        Assert.Null(entry.ToVersion);
        Assert.Equal("COMPLETED", (string?)entry.StateSnapshot["status"]);
    }

    [Fact]
    public async Task Delete_of_a_missing_or_foreign_investigation_is_NotFound_and_deletes_nothing()
    {
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;

        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.DeleteAsync(Tenant, NewId("missing"), Audit, Ct));
        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.DeleteAsync(OtherTenant, created.InvestigationId, Audit, Ct));

        Assert.NotNull(await Investigations.GetAsync(Tenant, created.InvestigationId, Ct));
        Assert.Single(await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 10, 0, Ct));
    }

    [Fact]
    public async Task Delete_takes_the_investigations_transaction_scores_with_it_and_no_others()
    {
        var scores = Repo<ITransactionScoreRepository>();
        var doomed = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var kept = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        await scores.InsertManyAsync(Tenant, [Score(Tenant, doomed.InvestigationId, "tx-1"), Score(Tenant, doomed.InvestigationId, "tx-2"), Score(Tenant, kept.InvestigationId, "tx-1")], Ct);

        Assert.IsType<Outcome<Investigation>.NotFound>(await Investigations.DeleteAsync(OtherTenant, doomed.InvestigationId, Audit, Ct));
        Assert.Equal(2, await scores.CountByInvestigationAsync(Tenant, doomed.InvestigationId, Ct));

        Assert.IsType<Outcome<Investigation>.Ok>(await Investigations.DeleteAsync(Tenant, doomed.InvestigationId, Audit, Ct));

        Assert.Equal(0, await scores.CountByInvestigationAsync(Tenant, doomed.InvestigationId, Ct));
        Assert.Equal(1, await scores.CountByInvestigationAsync(Tenant, kept.InvestigationId, Ct));

        // Created again under the same id, it starts without the old scores.
        await Investigations.CreateAsync(NewInvestigation(Tenant, doomed.InvestigationId), Audit, Ct);
        Assert.Equal(0, await scores.CountByInvestigationAsync(Tenant, doomed.InvestigationId, Ct));
    }

    private static TransactionScore Score(string tenant, string investigationId, string transactionId) => new()
    {
        InvestigationId = investigationId,
        TransactionId = transactionId,
        TenantId = tenant,
        RiskScore = 0.5,
        CreatedAt = Now(),
    };

    [Fact]
    public async Task Concurrent_deletes_delete_once_and_write_one_DELETE_entry()
    {
        const int deleters = 10;
        var created = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var repositories = Enumerable.Range(0, deleters).Select(_ => Repo<IInvestigationRepository>()).ToList();

        var outcomes = await Task.WhenAll(repositories.Select(repo => Task.Run(() => repo.DeleteAsync(Tenant, created.InvestigationId, Audit, Ct))));

        Assert.Single(outcomes, o => o.IsOk);
        Assert.Equal(deleters - 1, outcomes.Count(o => o is Outcome<Investigation>.NotFound));
        var history = await AuditLog.GetHistoryAsync(Tenant, created.InvestigationId, 100, 0, Ct);
        Assert.Single(history, e => e.Metadata.ActionType == AuditActionType.Delete);
    }

    // ---- search / counts ----------------------------------------------------------------------------------

    [Fact]
    public async Task Search_ranks_the_investigation_whose_finding_contains_the_word_first()
    {
        var marker = $"zq{Guid.NewGuid():N}"[..12];
        var strong = NewInvestigation(Tenant);
        strong.Settings!["name"] = $"{marker} review";
        strong.Results = new JsonObject
        {
            ["summary"] = $"{marker} pattern confirmed",
            ["findings"] = new JsonArray(new JsonObject { ["title"] = $"{marker} across {marker} devices" }),
        };
        var weak = NewInvestigation(Tenant);
        weak.Results = new JsonObject { ["summary"] = $"possible {marker}" };
        var unrelated = NewInvestigation(Tenant);
        var foreign = NewInvestigation(OtherTenant);
        foreign.Results = new JsonObject { ["findings"] = new JsonArray(new JsonObject { ["title"] = marker }) };
        foreach (var i in new[] { weak, strong, unrelated, foreign }) await Investigations.CreateAsync(i, Audit, Ct);
        await EventuallyAsync(() => Investigations.SearchAsync(Tenant, marker, new PageRequest(), Ct), r => r.TotalCount >= 2);

        var result = await Investigations.SearchAsync(Tenant, marker, new PageRequest(), Ct);

        Assert.Equal([strong.InvestigationId, weak.InvestigationId], result.Items.Select(h => h.Investigation.InvestigationId));
        Assert.True(result.Items[0].Rank > result.Items[1].Rank);
        Assert.Equal(2, result.TotalCount);
        var firstPage = await Investigations.SearchAsync(Tenant, marker, new PageRequest(1, 1), Ct);
        Assert.Equal(strong.InvestigationId, Assert.Single(firstPage.Items).Investigation.InvestigationId);
        Assert.True(firstPage.HasNextPage);
        Assert.Empty((await Investigations.SearchAsync(Tenant, "nosuchwordanywhere", new PageRequest(), Ct)).Items);
    }

    [Fact]
    public async Task Search_finds_entity_values_and_never_another_tenants_investigation()
    {
        var marker = $"ent{Guid.NewGuid():N}"[..14];
        var mine = NewInvestigation(Tenant);
        mine.Settings!["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "email", ["entity_value"] = marker });
        var theirs = NewInvestigation(OtherTenant);
        theirs.Settings!["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "email", ["entity_value"] = marker });
        await Investigations.CreateAsync(mine, Audit, Ct);
        await Investigations.CreateAsync(theirs, Audit, Ct);
        await EventuallyAsync(() => Investigations.SearchAsync(Tenant, marker, new PageRequest(), Ct), r => r.TotalCount >= 1);

        var result = await Investigations.SearchAsync(Tenant, marker, new PageRequest(), Ct);

        Assert.Equal(mine.InvestigationId, Assert.Single(result.Items).Investigation.InvestigationId);
    }

    [Fact]
    public async Task CountByStatus_counts_the_tenants_investigations_per_status()
    {
        foreach (var status in new[] { InvestigationStatus.Created, InvestigationStatus.Completed, InvestigationStatus.Completed })
        {
            var i = NewInvestigation(Tenant);
            i.Status = status;
            await Investigations.CreateAsync(i, Audit, Ct);
        }
        var foreign = NewInvestigation(OtherTenant);
        foreign.Status = InvestigationStatus.Error;
        await Investigations.CreateAsync(foreign, Audit, Ct);

        var counts = await Investigations.CountByStatusAsync(Tenant, Ct);

        Assert.Equal(new Dictionary<InvestigationStatus, long> { [InvestigationStatus.Created] = 1, [InvestigationStatus.Completed] = 2 }, counts);
        Assert.Empty(await Investigations.CountByStatusAsync(NewId("empty"), Ct));
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IInvestigationRepository>();
        string[] ids = ["b", "B", "a-1", "a_1", "Z", "é", "a"];
        var docs = ids.Select((id, i) => Stored(i % 2 == 0 ? Tenant : OtherTenant, id, Now())).ToList();
        await repo.BulkUpsertAsync(docs, Ct);

        // Keys are (tenant_id, id), ordinal, tenant first.
        var keys = ids.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        var after = keys.Single(k => k.Id == "a-1");
        var all = await store.Repo<IInvestigationRepository>().ExportAsync(default, Ct).ToListAsync(Ct);
        var afterA = await store.Repo<IInvestigationRepository>().ExportAsync(after, Ct).ToListAsync(Ct);

        Assert.Equal(keys, all.Select(repo.KeyOf));
        Assert.Equal(keys.Where(k => k.CompareTo(after) > 0), afterA.Select(repo.KeyOf));
        Assert.Equal(ids.Length, await store.Repo<IInvestigationRepository>().CountAllAsync(Ct));
        Assert.Contains(all, d => d.TenantId == OtherTenant);
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var existing = (await Investigations.CreateAsync(NewInvestigation(Tenant), Audit, Ct)).Value;
        var replacement = FullInvestigation(Tenant);
        replacement.InvestigationId = existing.InvestigationId;
        replacement.Version = 12;
        replacement.CreatedAt = new DateTime(2024, 2, 29, 23, 59, 59, 123, DateTimeKind.Utc);
        replacement.UpdatedAt = new DateTime(2025, 6, 1, 8, 0, 0, 456, DateTimeKind.Utc);
        var added = Stored(Tenant, NewId("inv"), new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        added.Version = 4;

        var written = await Investigations.BulkUpsertAsync([replacement, added], Ct);

        Assert.Equal(2, written);
        AssertSameDocument(replacement, await Investigations.GetAsync(Tenant, existing.InvestigationId, Ct));
        AssertSameDocument(added, await Investigations.GetAsync(Tenant, added.InvestigationId, Ct));
        Assert.Equal(0, await Investigations.BulkUpsertAsync([], Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Investigation NewInvestigation(string tenant, string? id = null) => new()
    {
        InvestigationId = id ?? NewId("inv"),
        UserId = "analyst-1",
        TenantId = tenant,
        Settings = new JsonObject { ["name"] = "Account takeover", ["entity_type"] = "user_id", ["entity_value"] = "u-42" },
    };

    /// <summary>A document as the migration tools hand it over: version and timestamps already set.</summary>
    private static Investigation Stored(string tenant, string id, DateTime updatedAt) => new()
    {
        InvestigationId = id,
        UserId = "analyst-1",
        TenantId = tenant,
        Version = 3,
        CreatedAt = updatedAt.AddDays(-1),
        UpdatedAt = updatedAt,
    };

    private static Investigation FullInvestigation(string tenant)
    {
        var t = Now();
        return new Investigation
        {
            InvestigationId = NewId("inv"),
            UserId = "analyst-7",
            TenantId = tenant,
            LifecycleStage = LifecycleStage.InProgress,
            Status = InvestigationStatus.InProgress,
            // The existing clients' shapes (Decision 12): frontend tools by tool_id, a script's naive time range,
            // members the server does not know, numbers of every kind and nested objects.
            Settings = JsonNode.Parse("""
                {"name": "Card testing", "entity_type": "email", "entity_value": "fraud@example.com",
                 "entities": [{"entity_type": "ip", "entity_value": "203.0.113.9"}],
                 "time_range": {"start_time": "2026-01-01T00:00:00", "end_time": "2026-01-08T00:00:00", "duration_hours": 168, "type": "relative"},
                 "investigation_type": "hybrid", "investigation_mode": "risk", "auto_select_entities": true,
                 "tools": [{"tool_id": "device_analysis", "enabled": false, "config": {"index": "fraud", "limit": 50}}, {"tool_name": "splunk"}],
                 "correlation_mode": "AND", "agents_selected": ["device", "network"], "data_sources": ["splunk", "snowflake"],
                 "additional_config": {"flags": [true, false], "ratio": 0.25}, "unknown_member": {"kept": [1, 2.5, "x", null]}}
                """)!.AsObject(),
            Progress = JsonNode.Parse("""
                {"current_phase": "analysis", "progress_percentage": 66.6, "phases_completed": ["init"],
                 "estimated_completion": "2026-01-01T01:00:00Z", "additional_data": {"note": "ünïcode ✓"}, "tools_executed": ["a"]}
                """)!.AsObject(),
            Results = JsonNode.Parse("""
                {"summary": "Coordinated card testing", "risk_score": 0.87,
                 "findings": [{"title": "velocity", "details": {"nested": {"depth": 3}}}],
                 "recommendations": ["block card", "notify issuer"], "metadata": {"model": "v2", "null_value": null}, "extra": 7}
                """)!.AsObject(),
            LastAccessed = t.AddMinutes(-5),
            Metadata = JsonNode.Parse("""
                {"source": "API", "priority": "high", "tags": ["ato", "priority"],
                 "custom_fields": {"case": {"ref": "C-1", "amount": 1234.5}}, "owner_team": "risk"}
                """)!.AsObject(),
        };
    }

}
