using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

public sealed class TransactionScoreFiltersRenderingTests
{
    [Fact]
    public void ByKey_and_ByInvestigation_with_minimum_risk()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "transaction_id": "x1" }""",
            Rendered.Filter(TransactionScoreFilters.ByKey("t1", "i1", "x1")));
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "risk_score": { "$gte": 0.5 } }""",
            Rendered.Filter(TransactionScoreFilters.ByInvestigation("t1", "i1", 0.5)));
    }

    [Fact]
    public void ListSort_is_highest_risk_then_transaction_id()
        => Rendered.Equal("""{ "risk_score": -1, "transaction_id": 1 }""", Rendered.Sort(TransactionScoreFilters.ListSort));

    [Fact]
    public void Distribution_groups_by_bucket_index_with_the_last_bucket_closed()
        => Rendered.Equal(
            """
            [
              { "$match": { "tenant_id": "t1", "investigation_id": "i1" } },
              { "$group": {
                  "_id": { "$cond": { "if": { "$gte": ["$risk_score", 1.0] }, "then": 9.0, "else": { "$floor": { "$multiply": ["$risk_score", 10.0] } } } },
                  "__agg0": { "$sum": 1 } } },
              { "$project": { "Bucket": "$_id", "Count": "$__agg0", "_id": 0 } }
            ]
            """,
            Rendered.Pipeline(TransactionScoreFilters.Distribution("t1", "i1", 10)));

    [Fact]
    public void After_is_the_composite_keyset_condition_across_tenants()
    {
        Rendered.Equal("""{ }""", Rendered.Filter(TransactionScoreFilters.After(default)));
        Rendered.Equal(
            """{ "$or": [ { "tenant_id": { "$gt": "t1" } }, { "tenant_id": "t1", "investigation_id": { "$gt": "i1" } }, { "tenant_id": "t1", "investigation_id": "i1", "transaction_id": { "$gt": "x1" } } ] }""",
            Rendered.Filter(TransactionScoreFilters.After(new TransactionScoreKey("t1", "i1", "x1"))));
        Rendered.Equal("""{ "tenant_id": 1, "investigation_id": 1, "transaction_id": 1 }""", Rendered.Sort(TransactionScoreFilters.KeyOrder));
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "transaction_id": "x1" }""",
            Rendered.Filter(TransactionScoreFilters.Key(new TransactionScoreKey("t1", "i1", "x1"))));
    }
}

public sealed class KeyFiltersRenderingTests
{
    [Fact]
    public void After_is_empty_without_a_key_and_strictly_greater_with_one()
    {
        Rendered.Equal("""{ }""", Rendered.Filter(KeyFilters.After<Detector>(d => d.DetectorId, null)));
        Rendered.Equal("""{ "detector_id": { "$gt": "d5" } }""", Rendered.Filter(KeyFilters.After<Detector>(d => d.DetectorId, "d5")));
    }

    [Fact]
    public void Ascending_Is_and_In_address_the_key_field()
    {
        Rendered.Equal("""{ "run_id": 1 }""", Rendered.Sort(KeyFilters.Ascending<DetectionRun>(r => r.RunId)));
        Rendered.Equal("""{ "entry_id": "e1" }""", Rendered.Filter(KeyFilters.Is<AuditLogEntry>(e => e.EntryId, "e1")));
        Rendered.Equal("""{ "entry_id": { "$in": ["e1", "e2"] } }""", Rendered.Filter(KeyFilters.In<AuditLogEntry>(e => e.EntryId, ["e1", "e2"])));
    }
}
