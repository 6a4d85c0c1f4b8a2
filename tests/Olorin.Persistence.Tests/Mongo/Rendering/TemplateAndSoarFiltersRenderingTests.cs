using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

public sealed class TemplateAndSoarFiltersRenderingTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private const string NowJson = """{ "$date": "2026-01-02T03:04:05.678Z" }""";

    // ---- templates ----

    [Fact]
    public void Template_ById_and_IdTaken()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "template_id": "x" }""", Rendered.Filter(TemplateFilters.ById("t1", "x")));
        Rendered.Equal("""{ "tenant_id": "t1", "template_id": "x" }""", Rendered.Filter(TemplateFilters.IdTaken("t1", "x")));
    }

    [Fact]
    public void Template_Guarded_adds_the_owner_only_when_the_guard_names_one()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "template_id": "x", "user_id": "u1" }""",
            Rendered.Filter(TemplateFilters.Guarded("t1", "x", new TemplateWriteGuard("u1"))));
        Rendered.Equal("""{ "tenant_id": "t1", "template_id": "x" }""", Rendered.Filter(TemplateFilters.Guarded("t1", "x", TemplateWriteGuard.Any)));
    }

    [Fact]
    public void Template_List_filters_owner_and_tag_element()
        => Rendered.Equal("""{ "tenant_id": "t1", "user_id": "u1", "tags": "fraud" }""",
            Rendered.Filter(TemplateFilters.List("t1", new TemplateQuery("u1", "fraud"))));

    [Fact]
    public void Template_ListSort_is_most_used_then_name_then_id()
        => Rendered.Equal("""{ "usage_count": -1, "name": 1, "template_id": 1 }""", Rendered.Sort(TemplateFilters.ListSort));

    [Fact]
    public void Template_Patch_sets_given_members_and_updated_at()
        => Rendered.Equal(
            $$"""{ "$set": { "description": "d", "tags": ["a", "b"], "updated_at": {{NowJson}} } }""",
            Rendered.Update(TemplateFilters.Patch(new TemplatePatch(Description: "d", Tags: ["a", "b"]), Now)));

    [Fact]
    public void Template_RecordUsage_increments_a_64_bit_counter_and_sets_last_used()
        => Rendered.Equal(
            $$"""{ "$inc": { "usage_count": { "$numberLong": "1" } }, "$set": { "last_used": {{NowJson}} } }""",
            Rendered.Update(TemplateFilters.RecordUsage(Now)));

    // ---- SOAR executions ----

    [Fact]
    public void Soar_ById_and_Running_guard()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "execution_id": "e1" }""", Rendered.Filter(SoarExecutionFilters.ById("t1", "e1")));
        Rendered.Equal("""{ "tenant_id": "t1", "execution_id": "e1", "status": "running" }""", Rendered.Filter(SoarExecutionFilters.Running("t1", "e1")));
    }

    [Fact]
    public void Soar_List_filters_and_sort()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "playbook_id": "p1", "status": "cancelled" }""",
            Rendered.Filter(SoarExecutionFilters.List("t1", new SoarExecutionQuery("i1", "p1", SoarExecutionStatus.Cancelled))));
        Rendered.Equal("""{ "started_at": -1, "execution_id": 1 }""", Rendered.Sort(SoarExecutionFilters.ListSort));
    }

    [Fact]
    public void Soar_AppendAction_pushes_the_action_document()
        => Rendered.Equal(
            $$"""
            { "$push": { "actions_executed": {
                "action_id": "a1", "action_type": "block", "status": "done", "started_at": {{NowJson}}, "completed_at": null,
                "result": { "ok": true }, "error": null } } }
            """,
            Rendered.Update(SoarExecutionFilters.AppendAction(new SoarActionResult
            {
                ActionId = "a1", ActionType = "block", Status = "done", StartedAt = Now, Result = new JsonObject { ["ok"] = true },
            })));

    [Fact]
    public void Soar_Finish_sets_status_completion_duration_and_error()
        => Rendered.Equal(
            $$"""{ "$set": { "status": "failed", "completed_at": {{NowJson}}, "duration_ms": { "$numberLong": "1500" }, "error_message": "x" } }""",
            Rendered.Update(SoarExecutionFilters.Finish(SoarExecutionStatus.Failed, Now, 1500, "x")));
}
