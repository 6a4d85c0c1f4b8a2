using System.Text.Json.Nodes;
using MongoDB.Driver;
using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// The bulk-transfer export of a time series: one query in key order (the port's contract, which the migration
/// verifier's merge and the checkpoints rely on), no limit, one cursor fetched a batch at a time — and with the
/// time-ordered (UUIDv7) entry ids Olorin writes, that key order is time order.
/// </summary>
public sealed class ExportOrderRenderingTests
{
    // No command is sent: the collection only renders the query (the driver connects lazily).
    private static readonly IMongoDatabase Database = new MongoClient("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1").GetDatabase("olorin");

    static ExportOrderRenderingTests() => Olorin.Persistence.Mongo.Mapping.MongoMapping.Register();

    [Fact]
    public void The_audit_log_export_is_one_sorted_query_after_the_key_without_a_limit()
    {
        var query = ExportQueries.OneCursor(Database.GetCollection<AuditLogEntry>("audit_log"),
            KeyFilters.After<AuditLogEntry>(e => e.EntryId, "0190a2b3-0000-7000-8000-000000000000"), KeyFilters.Ascending<AuditLogEntry>(e => e.EntryId));

        Assert.Equal("""find({ "entry_id" : { "$gt" : "0190a2b3-0000-7000-8000-000000000000" } }).sort({ "entry_id" : 1 })""", query.ToString());
        Assert.Null(query.Options.Limit);
        Assert.Equal(500, query.Options.BatchSize);
    }

    [Fact]
    public void A_legacy_detection_runs_time_series_exports_in_tenant_then_run_order()
    {
        var query = ExportQueries.OneCursor(Database.GetCollection<DetectionRun>("detection_runs"),
            KeyFilters.After<DetectionRun>(r => r.Metadata.TenantId, r => r.RunId, new TenantKey("t1", "r9")),
            KeyFilters.Ascending<DetectionRun>(r => r.Metadata.TenantId, r => r.RunId));

        Assert.Equal(
            """find({ "$or" : [{ "metadata.tenant_id" : { "$gt" : "t1" } }, { "metadata.tenant_id" : "t1", "run_id" : { "$gt" : "r9" } }] }).sort({ "metadata.tenant_id" : 1, "run_id" : 1 })""",
            query.ToString());
        Assert.Null(query.Options.Limit);
    }

    [Fact]
    public void With_time_ordered_entry_ids_the_key_order_of_the_export_is_time_order()
    {
        var investigation = new Investigation { InvestigationId = "inv-1", UserId = "u1", TenantId = "t1", Settings = new JsonObject { ["name"] = "x" } };
        var context = new AuditContext("u1", AuditSource.Api, null, null);
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var entries = Enumerable.Range(0, 200)
            .Select(i => AuditEntries.ForCreate(investigation, context, start.AddMilliseconds(i * 37L + i % 3)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        var inKeyOrder = entries.OrderBy(e => e.EntryId, StringComparer.Ordinal).Select(e => e.Timestamp).ToList();

        Assert.Equal(inKeyOrder.Order(), inKeyOrder);
    }
}
