using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

public sealed class InvestigationFiltersRenderingTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private const string NowJson = """{ "$date": "2026-01-02T03:04:05.678Z" }""";

    [Fact]
    public void ById_and_the_optimistic_locking_guard()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "olorin_deleted_at": { "$exists": false } }""", Rendered.Filter(InvestigationFilters.ById("t1", "i1")));
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "olorin_deleted_at": { "$exists": false }, "version": 4 }""", Rendered.Filter(InvestigationFilters.AtVersion("t1", "i1", 4)));
    }

    [Fact]
    public void The_guard_of_an_audited_write_adds_the_before_image_updated_at_and_the_owner_when_one_is_required()
    {
        Rendered.Equal(
            $$"""{ "tenant_id": "t1", "investigation_id": "i1", "olorin_deleted_at": { "$exists": false }, "version": 4, "updated_at": {{NowJson}}, "user_id": "u1" }""",
            Rendered.Filter(InvestigationFilters.Guarded("t1", "i1", 4, "u1", Now)));
        Rendered.Equal(
            $$"""{ "tenant_id": "t1", "investigation_id": "i1", "olorin_deleted_at": { "$exists": false }, "version": 4, "updated_at": {{NowJson}} }""",
            Rendered.Filter(InvestigationFilters.Guarded("t1", "i1", 4, owner: null, Now)));
    }

    [Fact]
    public void Last_accessed_is_written_only_when_unset_or_older_than_the_threshold()
        => Rendered.Equal(
            $$"""{ "$or": [{ "last_accessed": null }, { "last_accessed": { "$lt": {{NowJson}} } }] }""",
            Rendered.Filter(InvestigationFilters.LastAccessedBefore(Now)));

    [Fact]
    public void Reads_exclude_the_embedding()
        => Rendered.Equal("""{ "embedding": 0 }""", Rendered.Projection(InvestigationFilters.Served));

    [Fact]
    public void List_filters_status_owner_and_an_escaped_case_insensitive_id_substring()
        => Rendered.Equal(
            """{ "tenant_id": "t1", "olorin_deleted_at": { "$exists": false }, "status": "IN_PROGRESS", "user_id": "u1", "investigation_id": { "$regularExpression": { "pattern": "a\\.b\\*", "options": "i" } } }""",
            Rendered.Filter(InvestigationFilters.List("t1", new InvestigationQuery(InvestigationStatus.InProgress, "a.b*", "u1"))));

    [Fact]
    public void List_without_options_is_the_tenant_only_and_sorts_newest_updated_first()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "olorin_deleted_at": { "$exists": false } }""", Rendered.Filter(InvestigationFilters.List("t1", new InvestigationQuery(Search: ""))));
        Rendered.Equal("""{ "updated_at": -1, "investigation_id": 1 }""", Rendered.Sort(InvestigationFilters.ListSort));
    }

    [Fact]
    public void Patch_sets_the_patched_fields_increments_version_and_sets_updated_at()
        => Rendered.Equal(
            $$"""
            { "$set": { "lifecycle_stage": "COMPLETED", "status": "COMPLETED",
                "results": { "summary": "done", "risk_score": 0.9 },
                "embedding": [],
                "updated_at": {{NowJson}} },
              "$inc": { "version": 1 } }
            """,
            Rendered.Update(InvestigationFilters.Patch(new InvestigationPatch(
                LifecycleStage.Completed, InvestigationStatus.Completed, Results: new JsonObject { ["summary"] = "done", ["risk_score"] = 0.9 }), Now)));

    [Fact]
    public void Empty_patch_still_bumps_version_and_updated_at()
        => Rendered.Equal($$"""{ "$inc": { "version": 1 }, "$set": { "updated_at": {{NowJson}} } }""",
            Rendered.Update(InvestigationFilters.Patch(new InvestigationPatch(), Now)));

    [Fact]
    public void Progress_and_last_accessed_leave_version_alone()
    {
        Rendered.Equal(
            $$"""
            { "$set": { "progress": { "current_phase": "scan", "progress_percentage": 40, "phases_completed": ["a"] },
                "updated_at": {{NowJson}} } }
            """,
            Rendered.Update(InvestigationFilters.ReplaceProgress(
                new JsonObject { ["current_phase"] = "scan", ["progress_percentage"] = 40, ["phases_completed"] = new JsonArray("a") }, Now)));
        Rendered.Equal($$"""{ "$set": { "last_accessed": {{NowJson}} } }""", Rendered.Update(InvestigationFilters.TouchLastAccessed(Now)));
    }

    [Fact]
    public void CountByStatus_groups_the_tenants_investigations()
        => Rendered.Equal(
            """
            [
              { "$match": { "tenant_id": "t1", "olorin_deleted_at": { "$exists": false } } },
              { "$group": { "_id": "$status", "__agg0": { "$sum": 1 } } },
              { "$project": { "Status": "$_id", "Count": "$__agg0", "_id": 0 } }
            ]
            """,
            Rendered.Pipeline(InvestigationFilters.CountByStatus("t1")));

    [Fact]
    public void TextSearch_states_the_tenant_and_orders_by_text_score_then_id()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "$text": { "$search": "fraud ring" }, "olorin_deleted_at": { "$exists": false } }""", Rendered.Filter(InvestigationFilters.TextSearch("t1", "fraud ring")));
        Rendered.Equal(
            """
            [
              { "$match": { "tenant_id": "t1", "$text": { "$search": "fraud" }, "olorin_deleted_at": { "$exists": false } } },
              { "$project": { "_id": 0, "document": "$$ROOT", "score": { "$meta": "textScore" } } },
              { "$sort": { "score": -1, "document.investigation_id": 1 } },
              { "$skip": 20 },
              { "$limit": 10 }
            ]
            """,
            Rendered.Pipeline(InvestigationFilters.TextSearchPage("t1", "fraud", 20, 10)));
    }

    [Fact]
    public void AtlasSearch_matches_named_fields_or_findings_and_filters_the_tenant_inside_the_search_stage()
    {
        const string search = """
            { "compound": {
                "should": [
                  { "text": { "query": "fraud", "path": ["settings.name", "settings.entity_value", "settings.entities.entity_value", "results.summary"] } },
                  { "text": { "query": "fraud", "path": { "wildcard": "results.findings.*" } } } ],
                "filter": [ { "equals": { "value": "t1", "path": "tenant_id" } } ],
                "minimumShouldMatch": 1 } }
            """;
        Rendered.Equal(
            $$"""
            [
              { "$search": { {{search.Trim()[1..^1]}}, "index": "investigations_search" } },
              { "$match": { "olorin_deleted_at": { "$exists": false } } },
              { "$project": { "_id": 0, "document": "$$ROOT", "score": { "$meta": "searchScore" } } },
              { "$sort": { "score": -1, "document.investigation_id": 1 } },
              { "$skip": 0 },
              { "$limit": 20 }
            ]
            """,
            Rendered.Pipeline(InvestigationFilters.AtlasSearchPage("t1", "fraud", "investigations_search", 0, 20)));
        Rendered.Equal(
            $$"""
            [ { "$searchMeta": { {{search.Trim()[1..^1]}}, "count": { "type": "total" }, "index": "investigations_search" } } ]
            """,
            Rendered.Pipeline(InvestigationFilters.AtlasSearchCount("t1", "fraud", "investigations_search")));
    }
}
