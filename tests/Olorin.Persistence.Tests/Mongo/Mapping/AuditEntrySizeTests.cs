using System.Text.Json.Nodes;
using MongoDB.Bson;
using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Persistence.Mongo.Mapping;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>
/// Rendered without a server: the audit entries of a 5 MB investigation, as the adapter writes them (BSON through the
/// class maps), fit the 4 MB a time-series document may hold. Before, a create carried the whole investigation twice
/// and an update of results three times, and the insert failed (then the investigation write was undone).
/// </summary>
public sealed class AuditEntrySizeTests
{
    private static readonly AuditContext Context = new("u1", AuditSource.Api, "127.0.0.1", "tests");
    private static readonly DateTime T0 = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);

    public AuditEntrySizeTests() => MongoMapping.Register();

    private static Investigation FiveMegabytes(string tag, int version) => new()
    {
        InvestigationId = "inv-big",
        UserId = "u1",
        TenantId = "t1",
        Version = version,
        CreatedAt = T0,
        UpdatedAt = T0,
        Results = new JsonObject
        {
            ["summary"] = tag,
            // Small numbers cost ~2 bytes in JSON and ~11 in BSON (type, index name, double): the case where BSON outgrows JSON.
            ["findings"] = new JsonArray(Enumerable.Range(0, 5 * 1024).Select(i => (JsonNode)new JsonObject
            {
                ["id"] = $"{tag}-{i}",
                ["text"] = new string('x', 900),
                ["amounts"] = new JsonArray(Enumerable.Range(0, 20).Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            }).ToArray()),
        },
    };

    [Fact]
    public void Create_update_and_delete_entries_of_a_5_MB_investigation_fit_a_time_series_document()
    {
        var first = FiveMegabytes("first", 1);
        var second = FiveMegabytes("second", 2);
        Assert.True(first.ToBson().Length > 5_000_000);

        foreach (var entry in new[]
                 {
                     AuditEntries.ForCreate(first, Context, T0),
                     AuditEntries.ForUpdate(first, second, Context, T0),
                     AuditEntries.ForDelete(second, Context, T0),
                 })
        {
            var stored = MongoAuditEntries.Prepare(entry).ToBson().Length;
            Assert.True(stored <= MongoAuditEntries.MaxEntryBsonBytes, $"{entry.Metadata.ActionType}: {stored} bytes");
            Assert.Contains(AuditEntries.SnapshotName, entry.Changes.Truncated);
        }
    }

    [Fact]
    public void The_bson_check_shrinks_an_entry_whose_bson_outgrows_the_limit_although_its_json_fit()
    {
        var entry = AuditEntries.ForCreate(FiveMegabytes("x", 1), Context, T0);
        entry.Changes.Truncated.Clear();
        entry.StateSnapshot = AuditEntries.Snapshot(FiveMegabytes("x", 1)); // as before the fix: the whole state

        var prepared = MongoAuditEntries.Prepare(entry);

        Assert.True(prepared.ToBson().Length <= MongoAuditEntries.MaxEntryBsonBytes);
        Assert.Equal(true, (bool?)prepared.StateSnapshot["truncated"]);
    }
}
