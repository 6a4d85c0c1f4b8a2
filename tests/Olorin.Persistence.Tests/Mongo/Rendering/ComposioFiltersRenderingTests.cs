using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

public sealed class ComposioFiltersRenderingTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private const string NowJson = """{ "$date": "2026-01-02T03:04:05.678Z" }""";

    // ---- connections ----

    [Fact]
    public void Connection_ById_matches_tenant_and_id()
        => Rendered.Equal("""{ "tenant_id": "t1", "connection_id": "c1" }""", Rendered.Filter(ComposioConnectionFilters.ById("t1", "c1")));

    [Fact]
    public void Connection_List_filters_toolkit_status_and_expired_at()
        => Rendered.Equal(
            $$"""
            { "tenant_id": "t1", "toolkit_name": "slack", "status": "revoked",
              "$or": [ { "expires_at": { "$lte": {{NowJson}} } }, { "status": "expired" } ] }
            """,
            Rendered.Filter(ComposioConnectionFilters.List("t1", new ComposioConnectionQuery("slack", ComposioConnectionStatus.Revoked, Now))));

    [Fact]
    public void Connection_ListSort_is_newest_created_first_then_id()
        => Rendered.Equal("""{ "created_at": -1, "connection_id": 1 }""", Rendered.Sort(ComposioConnectionFilters.ListSort));

    [Fact]
    public void Connection_ReplaceTokens_sets_tokens_expiry_active_status_and_updated_at()
        => Rendered.Equal(
            $$"""
            { "$set": { "encrypted_access_token": "a", "refresh_token": null, "expires_at": {{NowJson}}, "status": "active", "updated_at": {{NowJson}} } }
            """,
            Rendered.Update(ComposioConnectionFilters.ReplaceTokens("a", null, Now, Now)));

    [Fact]
    public void Connection_SetStatus_and_TouchLastUsed()
    {
        Rendered.Equal($$"""{ "$set": { "status": "expired", "updated_at": {{NowJson}} } }""",
            Rendered.Update(ComposioConnectionFilters.SetStatus(ComposioConnectionStatus.Expired, Now)));
        Rendered.Equal($$"""{ "$set": { "last_used_at": {{NowJson}} } }""", Rendered.Update(ComposioConnectionFilters.TouchLastUsed(Now)));
    }

    // ---- action audits ----

    [Fact]
    public void Audit_List_filters_every_option_with_a_half_open_range()
        => Rendered.Equal(
            $$"""
            { "tenant_id": "t1", "executed_at": { "$gte": {{NowJson}}, "$lt": { "$date": "2026-01-03T00:00:00Z" } },
              "connection_id": "c1", "toolkit_name": "slack", "status": "retrying", "execution_id": "e1" }
            """,
            Rendered.Filter(ComposioActionAuditFilters.List("t1",
                new ComposioActionAuditQuery("c1", "slack", ComposioActionStatus.Retrying, "e1", Now, new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc)))));

    [Fact]
    public void Audit_ListSort_is_newest_executed_first_then_id()
        => Rendered.Equal("""{ "executed_at": -1, "audit_id": 1 }""", Rendered.Sort(ComposioActionAuditFilters.ListSort));

    [Fact]
    public void Audit_Failed_caps_retries_when_asked()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "status": "failed", "retry_count": { "$lt": 3 } }""",
            Rendered.Filter(ComposioActionAuditFilters.Failed("t1", 3)));
        Rendered.Equal("""{ "tenant_id": "t1", "status": "failed" }""", Rendered.Filter(ComposioActionAuditFilters.Failed("t1", null)));
        Rendered.Equal("""{ "executed_at": 1, "audit_id": 1 }""", Rendered.Sort(ComposioActionAuditFilters.FailedSort));
    }

    [Fact]
    public void Audit_RecordRetry_increments_atomically_and_sets_status_and_error()
        => Rendered.Equal(
            """{ "$inc": { "retry_count": 1 }, "$set": { "status": "failed", "error_message": "boom" } }""",
            Rendered.Update(ComposioActionAuditFilters.RecordRetry(ComposioActionStatus.Failed, "boom")));

    [Fact]
    public void Audit_ToolkitStats_groups_per_toolkit_counting_each_status_and_summing_retries()
        => Rendered.Equal(
            """
            [
              { "$match": { "tenant_id": "t1" } },
              { "$group": {
                  "_id": "$toolkit_name",
                  "__agg0": { "$sum": 1 },
                  "__agg1": { "$sum": { "$cond": { "if": { "$eq": ["$status", "success"] }, "then": 1, "else": 0 } } },
                  "__agg2": { "$sum": { "$cond": { "if": { "$eq": ["$status", "failed"] }, "then": 1, "else": 0 } } },
                  "__agg3": { "$sum": { "$cond": { "if": { "$eq": ["$status", "retrying"] }, "then": 1, "else": 0 } } },
                  "__agg4": { "$sum": { "$toLong": "$retry_count" } } } },
              { "$project": { "ToolkitName": "$_id", "Total": "$__agg0", "Success": "$__agg1", "Failed": "$__agg2", "Retrying": "$__agg3", "TotalRetries": "$__agg4", "_id": 0 } },
              { "$sort": { "ToolkitName": 1 } }
            ]
            """,
            Rendered.Pipeline(ComposioActionAuditFilters.ToolkitStats("t1", null, null)));
}
