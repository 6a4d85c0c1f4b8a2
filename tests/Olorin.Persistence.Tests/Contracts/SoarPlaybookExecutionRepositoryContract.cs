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

public abstract class SoarPlaybookExecutionRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private static readonly DateTime T0 = new(2026, 3, 1, 9, 0, 0, 123, DateTimeKind.Utc);

    private ISoarPlaybookExecutionRepository Executions => Repo<ISoarPlaybookExecutionRepository>();

    // ---- create / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Every_field_round_trips_including_actions_with_nested_json_enums_and_dates()
    {
        var input = FullExecution(Tenant, NewId("exec"));

        var created = (await Executions.CreateAsync(input, Ct)).Value;

        AssertSameDocument(FullExecution(Tenant, input.ExecutionId), created);
        AssertSameDocument(created, await Executions.GetAsync(Tenant, input.ExecutionId, Ct));
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_execution_id()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        var again = await Executions.CreateAsync(Running(Tenant, id, T0.AddMinutes(1)), Ct);

        Assert.Equal(new Outcome<SoarPlaybookExecution>.Duplicate("execution_id"), again);
        Assert.Equal(T0, (await Executions.GetAsync(Tenant, id, Ct))!.StartedAt);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_execution()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        Assert.Null(await Executions.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Executions.GetAsync(OtherTenant, id, Ct));
    }

    // ---- list ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_is_newest_started_first_then_execution_id_and_pages()
    {
        // "b" and "a" start at the same instant: execution_id breaks the tie.
        await Executions.CreateAsync(Running(Tenant, "c-" + Tenant, T0), Ct);
        await Executions.CreateAsync(Running(Tenant, "b-" + Tenant, T0.AddMinutes(5)), Ct);
        await Executions.CreateAsync(Running(Tenant, "a-" + Tenant, T0.AddMinutes(5)), Ct);
        await Executions.CreateAsync(Running(Tenant, "d-" + Tenant, T0.AddMinutes(9)), Ct);
        await Executions.CreateAsync(Running(OtherTenant, "e-" + OtherTenant, T0.AddMinutes(20)), Ct);

        var first = await Executions.ListAsync(Tenant, new SoarExecutionQuery(), new PageRequest(1, 3), Ct);
        var second = await Executions.ListAsync(Tenant, new SoarExecutionQuery(), new PageRequest(2, 3), Ct);

        Assert.Equal(["d-" + Tenant, "a-" + Tenant, "b-" + Tenant], first.Items.Select(x => x.ExecutionId));
        Assert.Equal(4, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.Equal(["c-" + Tenant], second.Items.Select(x => x.ExecutionId));
        Assert.False(second.HasNextPage);
        Assert.Equal(2, second.Page);
    }

    [Fact]
    public async Task List_filters_by_investigation_playbook_and_status_within_the_tenant()
    {
        var a = Running(Tenant, NewId("a"), T0, investigationId: "inv-1", playbookId: "pb-1");
        var b = Running(Tenant, NewId("b"), T0.AddMinutes(1), investigationId: "inv-1", playbookId: "pb-2");
        var c = Running(Tenant, NewId("c"), T0.AddMinutes(2), investigationId: "inv-2", playbookId: "pb-1");
        foreach (var execution in new[] { a, b, c }) await Executions.CreateAsync(execution, Ct);
        await Executions.FinishAsync(Tenant, c.ExecutionId, SoarExecutionStatus.Failed, T0.AddMinutes(3), "boom", Ct);
        await Executions.CreateAsync(Running(OtherTenant, NewId("x"), T0, investigationId: "inv-1", playbookId: "pb-1"), Ct);

        Assert.Equal([b.ExecutionId, a.ExecutionId], await Ids(new SoarExecutionQuery(InvestigationId: "inv-1")));
        Assert.Equal([c.ExecutionId, a.ExecutionId], await Ids(new SoarExecutionQuery(PlaybookId: "pb-1")));
        Assert.Equal([c.ExecutionId], await Ids(new SoarExecutionQuery(Status: SoarExecutionStatus.Failed)));
        Assert.Equal([b.ExecutionId, a.ExecutionId], await Ids(new SoarExecutionQuery(Status: SoarExecutionStatus.Running)));
        Assert.Equal([a.ExecutionId], await Ids(new SoarExecutionQuery("inv-1", "pb-1", SoarExecutionStatus.Running)));
        Assert.Empty(await Ids(new SoarExecutionQuery(InvestigationId: "inv-3")));
    }

    [Fact]
    public async Task List_of_another_tenant_is_empty()
    {
        await Executions.CreateAsync(Running(Tenant, NewId("exec"), T0), Ct);

        var page = await Executions.ListAsync(OtherTenant, new SoarExecutionQuery(), new PageRequest(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
        Assert.False(page.HasNextPage);
    }

    // ---- append action ------------------------------------------------------------------------------------

    [Fact]
    public async Task AppendAction_appends_in_order_and_keeps_the_stored_shape()
    {
        var execution = FullExecution(Tenant, NewId("exec"));
        await Executions.CreateAsync(execution, Ct);
        var action = Action("notify", T0.AddSeconds(30));

        var appended = (await Executions.AppendActionAsync(Tenant, execution.ExecutionId, action, Ct)).Value;

        Assert.Equal(["block", "notify"], appended.ActionsExecuted.Select(a => a.ActionId));
        var expected = FullExecution(Tenant, execution.ExecutionId);
        expected.ActionsExecuted.Add(Action("notify", T0.AddSeconds(30)));
        AssertSameDocument(expected, appended);
        var stored = await Executions.GetAsync(Tenant, execution.ExecutionId, Ct);
        AssertSameDocument(expected, stored);
        // The appended action keeps the members the model does not know, number kinds included (Decision 12).
        AssertKeptAsSent(Unknown("notify"), stored!.ActionsExecuted[1].UnknownMembers);
    }

    [Fact]
    public async Task AppendAction_on_a_finished_execution_is_InvalidState_and_changes_nothing()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);
        await Executions.FinishAsync(Tenant, id, SoarExecutionStatus.Completed, T0.AddMinutes(1), null, Ct);

        var outcome = await Executions.AppendActionAsync(Tenant, id, Action("late", T0.AddMinutes(2)), Ct);

        // The Core text, word for word, on every backend.
        Assert.Equal(new Outcome<SoarPlaybookExecution>.InvalidState(
            SoarExecutionTransitions.Refusal(id, SoarExecutionStatus.Completed, SoarExecutionTransitions.AppendOperation)), outcome);
        Assert.Equal(new Outcome<SoarPlaybookExecution>.InvalidState($"Cannot append an action to execution {id}: it is completed, not running."), outcome);
        Assert.Empty((await Executions.GetAsync(Tenant, id, Ct))!.ActionsExecuted);
    }

    [Fact]
    public async Task AppendAction_is_NotFound_for_a_missing_id_and_for_another_tenants_execution()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        var missing = await Executions.AppendActionAsync(Tenant, NewId("missing"), Action("a", T0), Ct);
        var foreign = await Executions.AppendActionAsync(OtherTenant, id, Action("a", T0), Ct);

        Assert.IsType<Outcome<SoarPlaybookExecution>.NotFound>(missing);
        Assert.IsType<Outcome<SoarPlaybookExecution>.NotFound>(foreign);
        Assert.Empty((await Executions.GetAsync(Tenant, id, Ct))!.ActionsExecuted);
    }

    [Fact]
    public async Task Ten_parallel_appends_keep_all_ten_actions()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Repo<ISoarPlaybookExecutionRepository>().AppendActionAsync(Tenant, id, Action($"action-{i}", T0.AddSeconds(i)), Ct)));

        Assert.All(outcomes, o => Assert.True(o.IsOk));
        var stored = await Executions.GetAsync(Tenant, id, Ct);
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => $"action-{i}").Order(StringComparer.Ordinal),
            stored!.ActionsExecuted.Select(a => a.ActionId).Order(StringComparer.Ordinal));
    }

    // ---- finish -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(SoarExecutionStatus.Completed, null)]
    [InlineData(SoarExecutionStatus.Failed, "connector timed out")]
    [InlineData(SoarExecutionStatus.Cancelled, "cancelled by analyst")]
    public async Task Finish_sets_status_completed_at_duration_and_error(SoarExecutionStatus finalStatus, string? error)
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);
        var completedAt = T0.AddSeconds(90).AddMilliseconds(250);

        var finished = (await Executions.FinishAsync(Tenant, id, finalStatus, completedAt, error, Ct)).Value;

        Assert.Equal(finalStatus, finished.Status);
        Assert.Equal(completedAt, finished.CompletedAt);
        Assert.Equal(90_250, finished.DurationMs);
        Assert.Equal(error, finished.ErrorMessage);
        AssertSameDocument(finished, await Executions.GetAsync(Tenant, id, Ct));
    }

    [Fact]
    public async Task Finish_before_the_start_gives_a_duration_of_zero_never_negative()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        var finished = (await Executions.FinishAsync(Tenant, id, SoarExecutionStatus.Completed, T0.AddSeconds(-5), null, Ct)).Value;

        Assert.Equal(0, finished.DurationMs);
        Assert.Equal(T0.AddSeconds(-5), finished.CompletedAt);
    }

    [Fact]
    public async Task Of_20_concurrent_finishes_exactly_one_wins_and_the_others_get_the_Core_refusal()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Repo<ISoarPlaybookExecutionRepository>().FinishAsync(
            Tenant, id, i % 2 == 0 ? SoarExecutionStatus.Completed : SoarExecutionStatus.Failed, T0.AddSeconds(i), null, Ct), Ct)));

        var winner = Assert.Single(outcomes, o => o.IsOk).Value;
        foreach (var refused in outcomes.Where(o => !o.IsOk))
            Assert.Equal(new Outcome<SoarPlaybookExecution>.InvalidState(SoarExecutionTransitions.Refusal(id, winner.Status, SoarExecutionTransitions.FinishOperation)), refused);
    }

    [Fact]
    public async Task Finish_of_a_finished_execution_is_InvalidState_and_keeps_the_first_result()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);
        await Executions.FinishAsync(Tenant, id, SoarExecutionStatus.Failed, T0.AddSeconds(1), "first", Ct);

        var again = await Executions.FinishAsync(Tenant, id, SoarExecutionStatus.Completed, T0.AddSeconds(9), null, Ct);

        Assert.Equal(new Outcome<SoarPlaybookExecution>.InvalidState($"Cannot finish execution {id}: it is failed, not running."), again);
        var stored = await Executions.GetAsync(Tenant, id, Ct);
        Assert.Equal(SoarExecutionStatus.Failed, stored!.Status);
        Assert.Equal("first", stored.ErrorMessage);
        Assert.Equal(1_000, stored.DurationMs);
    }

    [Fact]
    public async Task Finish_is_NotFound_for_a_missing_id_and_for_another_tenants_execution()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        var missing = await Executions.FinishAsync(Tenant, NewId("missing"), SoarExecutionStatus.Completed, T0, null, Ct);
        var foreign = await Executions.FinishAsync(OtherTenant, id, SoarExecutionStatus.Completed, T0, null, Ct);

        Assert.IsType<Outcome<SoarPlaybookExecution>.NotFound>(missing);
        Assert.IsType<Outcome<SoarPlaybookExecution>.NotFound>(foreign);
        Assert.Equal(SoarExecutionStatus.Running, (await Executions.GetAsync(Tenant, id, Ct))!.Status);
    }

    [Fact]
    public async Task Finish_with_status_running_is_rejected_as_an_argument_error()
    {
        var id = NewId("exec");
        await Executions.CreateAsync(Running(Tenant, id, T0), Ct);

        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Executions.FinishAsync(Tenant, id, SoarExecutionStatus.Running, T0.AddSeconds(1), null, Ct));
        Assert.Null((await Executions.GetAsync(Tenant, id, Ct))!.CompletedAt);
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<ISoarPlaybookExecutionRepository>();
        // Ordinal order: upper case before "_" before lower case (a linguistic collation would differ).
        string[] ordered = ["B-exec", "Z-exec", "_-exec", "a-exec", "b-exec"];
        string[] created = ["a-exec", "_-exec", "Z-exec", "b-exec", "B-exec"];
        foreach (var (id, i) in created.Select((id, i) => (id, i)))
            await repo.CreateAsync(Running(i % 2 == 0 ? Tenant : OtherTenant, id, T0.AddMinutes(i)), Ct);
        // Keys are (tenant_id, id), ordinal, tenant first; the ids alone keep their ordinal order within a tenant.
        var expected = created.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        Assert.Equal(expected, await repo.ExportAsync(cancellationToken: Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Equal(ordered.Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)), (await repo.ExportAsync(cancellationToken: Ct).ToListAsync(Ct)).Select(x => x.ExecutionId).Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)));
        Assert.Equal(expected.Skip(2), await repo.ExportAsync(expected[1], Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Empty(await repo.ExportAsync(expected[^1], Ct).ToListAsync(Ct));
        Assert.Equal(5, await repo.CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var existing = Running(Tenant, NewId("exec"), T0);
        await Executions.CreateAsync(existing, Ct);
        var replacement = FullExecution(Tenant, existing.ExecutionId);
        replacement.Status = SoarExecutionStatus.Completed;
        replacement.CompletedAt = T0.AddMinutes(2);
        replacement.DurationMs = 120_000;
        var fresh = FullExecution(OtherTenant, NewId("exec"));

        var written = await Executions.BulkUpsertAsync([replacement, fresh], Ct);

        Assert.Equal(2, written);
        AssertSameDocument(replacement, await Executions.GetAsync(Tenant, existing.ExecutionId, Ct));
        AssertSameDocument(fresh, await Executions.GetAsync(OtherTenant, fresh.ExecutionId, Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private async Task<List<string>> Ids(SoarExecutionQuery query)
        => (await Executions.ListAsync(Tenant, query, new PageRequest(1, PageRequest.MaxPageSize), Ct)).Items.Select(x => x.ExecutionId).ToList();

    private static SoarPlaybookExecution Running(string tenant, string id, DateTime startedAt, string? investigationId = null, string playbookId = "pb-contain") => new()
    {
        ExecutionId = id,
        PlaybookId = playbookId,
        TenantId = tenant,
        InvestigationId = investigationId,
        Status = SoarExecutionStatus.Running,
        StartedAt = startedAt,
    };

    private static SoarActionResult Action(string id, DateTime startedAt) => new()
    {
        ActionId = id,
        ActionType = "notify_slack",
        Status = "success",
        StartedAt = startedAt,
        CompletedAt = startedAt.AddMilliseconds(1500),
        Result = new JsonObject { ["channel"] = "#fraud", ["delivered"] = true, ["attempts"] = new JsonArray(1, 2) },
        Error = null,
        UnknownMembers = Unknown(id),
    };

    private static SoarPlaybookExecution FullExecution(string tenant, string id) => new()
    {
        ExecutionId = id,
        PlaybookId = "pb-block-card",
        TenantId = tenant,
        InvestigationId = "inv-42",
        AnomalyId = "anom-7",
        TriggerReason = "risk score above 0.9",
        TriggeredBy = "analyst@example.com",
        Status = SoarExecutionStatus.Running,
        StartedAt = T0,
        CompletedAt = null,
        DurationMs = null,
        ActionsExecuted =
        [
            new SoarActionResult
            {
                ActionId = "block",
                ActionType = "block_card",
                Status = "failed",
                StartedAt = T0.AddSeconds(1),
                CompletedAt = null,
                Result = new JsonObject
                {
                    ["card"] = new JsonObject { ["last4"] = "4242", ["network"] = "visa" },
                    ["codes"] = new JsonArray("E1", "E2"),
                    ["retryable"] = false,
                    ["note"] = null,
                },
                Error = "issuer unavailable",
            },
        ],
        ErrorMessage = null,
    };
}
