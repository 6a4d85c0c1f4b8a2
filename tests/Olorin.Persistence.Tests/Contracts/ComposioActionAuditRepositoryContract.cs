using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class ComposioActionAuditRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private static readonly DateTime T0 = new(2026, 6, 7, 8, 9, 10, 345, DateTimeKind.Utc);

    private IComposioActionAuditRepository Audits => Repo<IComposioActionAuditRepository>();

    // ---- create / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Every_field_round_trips_including_nested_json_enums_and_dates()
    {
        var input = FullAudit(Tenant, NewId("audit"));

        var created = (await Audits.CreateAsync(input, Ct)).Value;

        AssertSameDocument(FullAudit(Tenant, input.AuditId), created);
        AssertSameDocument(created, await Audits.GetAsync(Tenant, input.AuditId, Ct));
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_audit_id()
    {
        var id = NewId("audit");
        await Audits.CreateAsync(Audit(Tenant, id, T0, actionName: "first"), Ct);

        var again = await Audits.CreateAsync(Audit(Tenant, id, T0, actionName: "second"), Ct);

        Assert.Equal(new Outcome<ComposioActionAudit>.Duplicate("audit_id"), again);
        Assert.Equal("first", (await Audits.GetAsync(Tenant, id, Ct))!.ActionName);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_audit()
    {
        var id = NewId("audit");
        await Audits.CreateAsync(Audit(Tenant, id, T0), Ct);

        Assert.Null(await Audits.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Audits.GetAsync(OtherTenant, id, Ct));
    }

    // ---- list ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_is_newest_executed_first_then_audit_id_and_pages()
    {
        await Audits.CreateAsync(Audit(Tenant, "c-" + Tenant, T0), Ct);
        await Audits.CreateAsync(Audit(Tenant, "b-" + Tenant, T0.AddMinutes(1)), Ct);
        await Audits.CreateAsync(Audit(Tenant, "a-" + Tenant, T0.AddMinutes(1)), Ct);
        await Audits.CreateAsync(Audit(Tenant, "d-" + Tenant, T0.AddMinutes(2)), Ct);
        await Audits.CreateAsync(Audit(OtherTenant, "e-" + OtherTenant, T0.AddMinutes(3)), Ct);

        var first = await Audits.ListAsync(Tenant, new ComposioActionAuditQuery(), new PageRequest(1, 3), Ct);
        var second = await Audits.ListAsync(Tenant, new ComposioActionAuditQuery(), new PageRequest(2, 3), Ct);

        Assert.Equal(["d-" + Tenant, "a-" + Tenant, "b-" + Tenant], first.Items.Select(x => x.AuditId));
        Assert.Equal(4, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.Equal(["c-" + Tenant], second.Items.Select(x => x.AuditId));
        Assert.False(second.HasNextPage);
    }

    [Fact]
    public async Task List_filters_by_connection_toolkit_status_and_execution()
    {
        var a = Audit(Tenant, NewId("a"), T0, connectionId: "conn-1", toolkit: "slack", executionId: "exec-1");
        var b = Audit(Tenant, NewId("b"), T0.AddMinutes(1), connectionId: "conn-1", toolkit: "jira", status: ComposioActionStatus.Failed);
        var c = Audit(Tenant, NewId("c"), T0.AddMinutes(2), connectionId: "conn-2", toolkit: "slack", status: ComposioActionStatus.Failed, executionId: "exec-1");
        foreach (var audit in new[] { a, b, c }) await Audits.CreateAsync(audit, Ct);
        await Audits.CreateAsync(Audit(OtherTenant, NewId("x"), T0, connectionId: "conn-1", toolkit: "slack", executionId: "exec-1"), Ct);

        Assert.Equal([b.AuditId, a.AuditId], await Ids(new ComposioActionAuditQuery(ConnectionId: "conn-1")));
        Assert.Equal([c.AuditId, a.AuditId], await Ids(new ComposioActionAuditQuery(ToolkitName: "slack")));
        Assert.Equal([c.AuditId, b.AuditId], await Ids(new ComposioActionAuditQuery(Status: ComposioActionStatus.Failed)));
        Assert.Equal([c.AuditId, a.AuditId], await Ids(new ComposioActionAuditQuery(ExecutionId: "exec-1")));
        Assert.Equal([c.AuditId], await Ids(new ComposioActionAuditQuery("conn-2", "slack", ComposioActionStatus.Failed, "exec-1")));
        Assert.Empty(await Ids(new ComposioActionAuditQuery(Status: ComposioActionStatus.Retrying)));
    }

    [Fact]
    public async Task List_time_range_includes_from_and_excludes_to()
    {
        var atFrom = Audit(Tenant, NewId("from"), T0);
        var inside = Audit(Tenant, NewId("inside"), T0.AddMinutes(30));
        var atTo = Audit(Tenant, NewId("to"), T0.AddHours(1));
        var before = Audit(Tenant, NewId("before"), T0.AddMilliseconds(-1));
        foreach (var audit in new[] { atFrom, inside, atTo, before }) await Audits.CreateAsync(audit, Ct);

        Assert.Equal([inside.AuditId, atFrom.AuditId], await Ids(new ComposioActionAuditQuery(From: T0, To: T0.AddHours(1))));
        Assert.Equal([atTo.AuditId, inside.AuditId, atFrom.AuditId], await Ids(new ComposioActionAuditQuery(From: T0)));
        Assert.Equal([atFrom.AuditId, before.AuditId], await Ids(new ComposioActionAuditQuery(To: T0.AddMinutes(30))));
    }

    [Fact]
    public async Task List_of_another_tenant_is_empty()
    {
        await Audits.CreateAsync(Audit(Tenant, NewId("audit"), T0), Ct);

        var page = await Audits.ListAsync(OtherTenant, new ComposioActionAuditQuery(), new PageRequest(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
    }

    // ---- failed / retries ---------------------------------------------------------------------------------

    [Fact]
    public async Task ListFailed_returns_failed_actions_under_the_retry_limit_oldest_first_up_to_the_limit()
    {
        var newest = Audit(Tenant, NewId("newest"), T0.AddMinutes(3), status: ComposioActionStatus.Failed);
        var oldest = Audit(Tenant, NewId("oldest"), T0, status: ComposioActionStatus.Failed, retryCount: 2);
        var middle = Audit(Tenant, NewId("middle"), T0.AddMinutes(1), status: ComposioActionStatus.Failed, retryCount: 1);
        var exhausted = Audit(Tenant, NewId("exhausted"), T0.AddMinutes(2), status: ComposioActionStatus.Failed, retryCount: 3);
        var retrying = Audit(Tenant, NewId("retrying"), T0, status: ComposioActionStatus.Retrying);
        var succeeded = Audit(Tenant, NewId("success"), T0);
        foreach (var audit in new[] { newest, oldest, middle, exhausted, retrying, succeeded }) await Audits.CreateAsync(audit, Ct);
        await Audits.CreateAsync(Audit(OtherTenant, NewId("x"), T0, status: ComposioActionStatus.Failed), Ct);

        Assert.Equal([oldest.AuditId, middle.AuditId, newest.AuditId], (await Audits.ListFailedAsync(Tenant, 3, 10, Ct)).Select(x => x.AuditId));
        Assert.Equal([middle.AuditId, newest.AuditId], (await Audits.ListFailedAsync(Tenant, 2, 10, Ct)).Select(x => x.AuditId));
        Assert.Equal([oldest.AuditId, middle.AuditId, exhausted.AuditId, newest.AuditId], (await Audits.ListFailedAsync(Tenant, null, 10, Ct)).Select(x => x.AuditId));
        Assert.Equal([oldest.AuditId, middle.AuditId], (await Audits.ListFailedAsync(Tenant, null, 2, Ct)).Select(x => x.AuditId));
        Assert.Empty(await Audits.ListFailedAsync(Tenant, 0, 10, Ct));
    }

    [Fact]
    public async Task ListFailed_of_another_tenant_is_empty()
    {
        await Audits.CreateAsync(Audit(Tenant, NewId("audit"), T0, status: ComposioActionStatus.Failed), Ct);

        Assert.Empty(await Audits.ListFailedAsync(OtherTenant, null, 10, Ct));
    }

    [Fact]
    public async Task RecordRetry_increments_retry_count_and_sets_status_and_error()
    {
        var audit = FullAudit(Tenant, NewId("audit"));
        await Audits.CreateAsync(audit, Ct);

        await Audits.RecordRetryAsync(Tenant, audit.AuditId, ComposioActionStatus.Retrying, "rate limited", Ct);
        var retried = (await Audits.RecordRetryAsync(Tenant, audit.AuditId, ComposioActionStatus.Success, null, Ct)).Value;

        audit.RetryCount += 2;
        audit.Status = ComposioActionStatus.Success;
        audit.ErrorMessage = null;
        AssertSameDocument(audit, retried);
        AssertSameDocument(audit, await Audits.GetAsync(Tenant, audit.AuditId, Ct));
    }

    [Fact]
    public async Task RecordRetry_is_NotFound_for_a_missing_id_and_for_another_tenants_audit()
    {
        var id = NewId("audit");
        await Audits.CreateAsync(Audit(Tenant, id, T0, status: ComposioActionStatus.Failed), Ct);

        var missing = await Audits.RecordRetryAsync(Tenant, NewId("missing"), ComposioActionStatus.Retrying, null, Ct);
        var foreign = await Audits.RecordRetryAsync(OtherTenant, id, ComposioActionStatus.Retrying, null, Ct);

        Assert.IsType<Outcome<ComposioActionAudit>.NotFound>(missing);
        Assert.IsType<Outcome<ComposioActionAudit>.NotFound>(foreign);
        var stored = await Audits.GetAsync(Tenant, id, Ct);
        Assert.Equal(0, stored!.RetryCount);
        Assert.Equal(ComposioActionStatus.Failed, stored.Status);
    }

    [Fact]
    public async Task Ten_parallel_retries_count_exactly_ten()
    {
        var id = NewId("audit");
        await Audits.CreateAsync(Audit(Tenant, id, T0, status: ComposioActionStatus.Failed), Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Repo<IComposioActionAuditRepository>().RecordRetryAsync(Tenant, id, ComposioActionStatus.Retrying, $"attempt {i}", Ct)));

        Assert.All(outcomes, o => Assert.True(o.IsOk));
        Assert.Equal(10, (await Audits.GetAsync(Tenant, id, Ct))!.RetryCount);
    }

    // ---- stats --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Toolkit_stats_count_each_status_and_retries_per_toolkit_in_ordinal_order()
    {
        await Audits.CreateAsync(Audit(Tenant, NewId("a"), T0, toolkit: "slack", retryCount: 1), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("b"), T0, toolkit: "slack", status: ComposioActionStatus.Failed, retryCount: 3), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("c"), T0, toolkit: "slack", status: ComposioActionStatus.Retrying), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("d"), T0, toolkit: "slack"), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("e"), T0, toolkit: "Zendesk", status: ComposioActionStatus.Failed), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("f"), T0, toolkit: "jira", retryCount: 2), Ct);
        await Audits.CreateAsync(Audit(OtherTenant, NewId("x"), T0, toolkit: "slack"), Ct);

        var stats = await Audits.GetToolkitStatsAsync(Tenant, null, null, Ct);

        Assert.Equal(
        [
            new ToolkitActionStats("Zendesk", 1, 0, 1, 0, 0),
            new ToolkitActionStats("jira", 1, 1, 0, 0, 2),
            new ToolkitActionStats("slack", 4, 2, 1, 1, 4),
        ], stats);
        Assert.Equal(0.5, stats[2].SuccessRate);
    }

    [Fact]
    public async Task Toolkit_stats_respect_the_time_range_and_the_tenant()
    {
        await Audits.CreateAsync(Audit(Tenant, NewId("before"), T0.AddMilliseconds(-1), toolkit: "slack"), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("from"), T0, toolkit: "slack"), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("inside"), T0.AddMinutes(5), toolkit: "jira", status: ComposioActionStatus.Failed), Ct);
        await Audits.CreateAsync(Audit(Tenant, NewId("to"), T0.AddMinutes(10), toolkit: "slack"), Ct);

        var stats = await Audits.GetToolkitStatsAsync(Tenant, T0, T0.AddMinutes(10), Ct);

        Assert.Equal([new ToolkitActionStats("jira", 1, 0, 1, 0, 0), new ToolkitActionStats("slack", 1, 1, 0, 0, 0)], stats);
        Assert.Equal(3, (await Audits.GetToolkitStatsAsync(Tenant, T0, null, Ct)).Sum(s => s.Total));
        Assert.Equal(3, (await Audits.GetToolkitStatsAsync(Tenant, null, T0.AddMinutes(10), Ct)).Sum(s => s.Total));
        Assert.Empty(await Audits.GetToolkitStatsAsync(OtherTenant, null, null, Ct));
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IComposioActionAuditRepository>();
        string[] ordered = ["B-audit", "Z-audit", "_-audit", "a-audit", "b-audit"];
        string[] created = ["a-audit", "_-audit", "Z-audit", "b-audit", "B-audit"];
        foreach (var (id, i) in created.Select((id, i) => (id, i)))
            await repo.CreateAsync(Audit(i % 2 == 0 ? Tenant : OtherTenant, id, T0.AddMinutes(i)), Ct);
        // Keys are (tenant_id, id), ordinal, tenant first; the ids alone keep their ordinal order within a tenant.
        var expected = created.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        Assert.Equal(expected, await repo.ExportAsync(cancellationToken: Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Equal(ordered.Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)), (await repo.ExportAsync(cancellationToken: Ct).ToListAsync(Ct)).Select(x => x.AuditId).Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)));
        Assert.Equal(expected.Skip(2), await repo.ExportAsync(expected[1], Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Empty(await repo.ExportAsync(expected[^1], Ct).ToListAsync(Ct));
        Assert.Equal(5, await repo.CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var id = NewId("audit");
        await Audits.CreateAsync(Audit(Tenant, id, T0), Ct);
        var replacement = FullAudit(Tenant, id);
        replacement.RetryCount = 7;
        replacement.ExecutedAt = T0.AddDays(-3);
        var fresh = FullAudit(OtherTenant, NewId("audit"));

        var written = await Audits.BulkUpsertAsync([replacement, fresh], Ct);

        Assert.Equal(2, written);
        AssertSameDocument(replacement, await Audits.GetAsync(Tenant, id, Ct));
        AssertSameDocument(fresh, await Audits.GetAsync(OtherTenant, fresh.AuditId, Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private async Task<List<string>> Ids(ComposioActionAuditQuery query)
        => (await Audits.ListAsync(Tenant, query, new PageRequest(1, PageRequest.MaxPageSize), Ct)).Items.Select(x => x.AuditId).ToList();

    private static ComposioActionAudit Audit(
        string tenant, string id, DateTime executedAt, string connectionId = "conn-1", string toolkit = "slack",
        ComposioActionStatus status = ComposioActionStatus.Success, string? executionId = null, int retryCount = 0,
        string actionName = "SLACK_SEND_MESSAGE") => new()
    {
        AuditId = id,
        ActionId = "act-" + id,
        ToolkitName = toolkit,
        ActionName = actionName,
        TenantId = tenant,
        ConnectionId = connectionId,
        ExecutionId = executionId,
        Status = status,
        ExecutedAt = executedAt,
        RetryCount = retryCount,
    };

    private static ComposioActionAudit FullAudit(string tenant, string id) => new()
    {
        AuditId = id,
        ActionId = "act-42",
        ToolkitName = "jira",
        ActionName = "JIRA_CREATE_ISSUE",
        TenantId = tenant,
        ConnectionId = "conn-jira",
        ExecutionId = "exec-9",
        Parameters = new JsonObject
        {
            ["project"] = "FRAUD",
            ["fields"] = new JsonObject { ["summary"] = "Card testing", ["labels"] = new JsonArray("ato", "urgent") },
            ["priority"] = 2,
        },
        Result = new JsonObject { ["issue"] = new JsonObject { ["key"] = "FRAUD-17", ["created"] = true }, ["warnings"] = new JsonArray() },
        Status = ComposioActionStatus.Retrying,
        ExecutedAt = T0,
        RetryCount = 1,
        ErrorMessage = "HTTP 429",
    };
}
