using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>detection_runs and audit_log: the tenant is metadata.tenant_id.</summary>
public sealed class TimeSeriesFiltersRenderingTests
{
    private static readonly DateTime From = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc);
    private const string RangeJson = """{ "$gte": { "$date": "2026-01-01T00:00:00Z" }, "$lt": { "$date": "2026-01-02T00:00:00Z" } }""";

    // ---- detection runs ----

    [Fact]
    public void Run_ById_uses_the_metadata_tenant_and_RunIdTaken_is_per_tenant()
    {
        Rendered.Equal("""{ "metadata.tenant_id": "t1", "run_id": "r1" }""", Rendered.Filter(DetectionRunFilters.ById("t1", "r1")));
        Rendered.Equal("""{ "metadata.tenant_id": "t1", "run_id": "r1" }""", Rendered.Filter(DetectionRunFilters.RunIdTaken("t1", "r1")));
    }

    [Fact]
    public void Run_InStatus_guards_on_the_current_status()
        => Rendered.Equal("""{ "metadata.tenant_id": "t1", "run_id": "r1", "metadata.status": { "$in": ["queued", "running"] } }""",
            Rendered.Filter(DetectionRunFilters.InStatus("t1", "r1", DetectionRunFilters.Unfinished)));

    [Fact]
    public void Run_List_filters_detector_status_and_half_open_started_at_range()
        => Rendered.Equal(
            $$"""{ "metadata.tenant_id": "t1", "metadata.detector_id": "d1", "metadata.status": "failed", "started_at": {{RangeJson}} }""",
            Rendered.Filter(DetectionRunFilters.List("t1", new DetectionRunQuery("d1", DetectionRunStatus.Failed, From, To))));

    [Fact]
    public void Run_ListSort_is_newest_first_then_run_id()
        => Rendered.Equal("""{ "started_at": -1, "run_id": 1 }""", Rendered.Sort(DetectionRunFilters.ListSort));

    [Fact]
    public void Run_SetStatus_sets_the_metadata_status_and_info_when_given()
    {
        Rendered.Equal("""{ "$set": { "metadata.status": "running" } }""", Rendered.Update(DetectionRunFilters.SetStatus(DetectionRunStatus.Running, null)));
        Rendered.Equal(
            """
            { "$set": { "metadata.status": "running", "info": {
                "records_processed": { "$numberLong": "10" }, "cohorts_analyzed": null, "anomalies_detected": null,
                "error_message": null, "additional_info": { } } } }
            """,
            Rendered.Update(DetectionRunFilters.SetStatus(DetectionRunStatus.Running, new DetectionRunInfo { RecordsProcessed = 10 })));
    }

    [Fact]
    public void Run_Complete_sets_final_status_finish_duration_and_info()
        => Rendered.Equal(
            """
            { "$set": { "metadata.status": "success", "finished_at": { "$date": "2026-01-02T00:00:00Z" }, "duration_ms": { "$numberLong": "86400000" },
                "info": { "records_processed": null, "cohorts_analyzed": null, "anomalies_detected": { "$numberLong": "2" },
                  "error_message": null, "additional_info": { "x": 1 } } } }
            """,
            Rendered.Update(DetectionRunFilters.Complete(DetectionRunStatus.Success, To, 86_400_000,
                new DetectionRunInfo { AnomaliesDetected = 2, AdditionalInfo = new JsonObject { ["x"] = 1 } })));

    [Fact]
    public void Run_CountByStatus_groups_on_the_metadata_status()
        => Rendered.Equal(
            """
            [
              { "$match": { "metadata.tenant_id": "t1" } },
              { "$group": { "_id": "$metadata.status", "__agg0": { "$sum": 1 } } },
              { "$project": { "Status": "$_id", "Count": "$__agg0", "_id": 0 } }
            ]
            """,
            Rendered.Pipeline(DetectionRunFilters.CountByStatus("t1", new DetectionRunQuery())));

    [Fact]
    public void Run_duration_queries_skip_runs_without_a_duration()
    {
        Rendered.Equal("""{ "metadata.tenant_id": "t1", "duration_ms": { "$ne": null } }""",
            Rendered.Filter(DetectionRunFilters.WithDuration("t1", new DetectionRunQuery())));
        Rendered.Equal("""{ "duration_ms": 1, "run_id": 1 }""", Rendered.Sort(DetectionRunFilters.DurationOrder));
        Rendered.Equal(
            """
            [
              { "$match": { "metadata.tenant_id": "t1", "duration_ms": { "$ne": null } } },
              { "$group": { "_id": null, "__agg0": { "$sum": 1 }, "__agg1": { "$avg": "$duration_ms" } } },
              { "$project": { "Count": "$__agg0", "Average": "$__agg1", "_id": 0 } }
            ]
            """,
            Rendered.Pipeline(DetectionRunFilters.DurationSummary("t1", new DetectionRunQuery())));
    }

    // ---- audit log ----

    [Fact]
    public void Audit_History_and_EntryIdTaken()
    {
        Rendered.Equal("""{ "metadata.tenant_id": "t1", "metadata.investigation_id": "i1" }""", Rendered.Filter(AuditLogFilters.History("t1", "i1")));
        Rendered.Equal("""{ "entry_id": "e1" }""", Rendered.Filter(AuditLogFilters.EntryIdTaken("e1")));
        Rendered.Equal("""{ "timestamp": -1, "entry_id": -1 }""", Rendered.Sort(AuditLogFilters.NewestFirst));
    }

    [Fact]
    public void Audit_InRange_is_half_open_with_optional_filters()
        => Rendered.Equal(
            $$"""
            { "metadata.tenant_id": "t1", "timestamp": {{RangeJson}}, "metadata.action_type": "STATE_CHANGE",
              "metadata.user_id": "u1", "metadata.investigation_id": "i1" }
            """,
            Rendered.Filter(AuditLogFilters.InRange("t1", From, To, new AuditLogQuery(AuditActionType.StateChange, "u1", "i1"))));

    [Fact]
    public void Audit_CountByActionType_groups_on_the_metadata_action_type()
        => Rendered.Equal(
            $$"""
            [
              { "$match": { "metadata.tenant_id": "t1", "timestamp": {{RangeJson}} } },
              { "$group": { "_id": "$metadata.action_type", "__agg0": { "$sum": 1 } } },
              { "$project": { "Status": "$_id", "Count": "$__agg0", "_id": 0 } }
            ]
            """,
            Rendered.Pipeline(AuditLogFilters.CountByActionType("t1", From, To)));
}
