using System.Text.Json.Nodes;
using Olorin.Core.Auditing;
using Olorin.Core.Models;

namespace Olorin.Core.Tests;

public sealed class AuditEntriesTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
    private static readonly AuditContext Context = new("u1", AuditSource.Api, "127.0.0.1", "tests");

    private static Investigation NewInvestigation() => new()
    {
        InvestigationId = "inv-1",
        UserId = "u1",
        TenantId = "t1",
        Settings = new JsonObject { ["name"] = "Card testing" },
        Version = 1,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    [Fact]
    public void Create_entry_records_who_what_and_the_full_state()
    {
        var created = NewInvestigation();
        var entry = AuditEntries.ForCreate(created, Context, T0);

        Assert.False(string.IsNullOrEmpty(entry.EntryId));
        Assert.Equal(AuditActionType.Create, entry.Metadata.ActionType);
        Assert.Equal(("inv-1", "u1", "t1"), (entry.Metadata.InvestigationId, entry.Metadata.UserId, entry.Metadata.TenantId));
        Assert.Equal(AuditSource.Api, entry.Metadata.Source);
        Assert.Null(entry.FromVersion);
        Assert.Equal(1, entry.ToVersion);
        Assert.Equal("Card testing", (string?)entry.StateSnapshot["settings"]!["name"]);
        Assert.Contains("settings", entry.Changes.FieldsModified);
        Assert.Empty(entry.Changes.Before);
        Assert.Equal(("127.0.0.1", "tests"), (entry.IpAddress, entry.UserAgent));
    }

    [Fact]
    public void Update_entry_lists_only_the_fields_that_changed()
    {
        var before = NewInvestigation();
        var after = NewInvestigation();
        new InvestigationPatch(Status: InvestigationStatus.InProgress).ApplyTo(after, T0.AddMinutes(1));

        var entry = AuditEntries.ForUpdate(before, after, Context, T0.AddMinutes(1));

        Assert.Equal(["status"], entry.Changes.FieldsModified);
        Assert.Equal("CREATED", (string?)entry.Changes.Before["status"]);
        Assert.Equal("IN_PROGRESS", (string?)entry.Changes.After["status"]);
        Assert.Equal((1, 2), (entry.FromVersion!.Value, entry.ToVersion!.Value));
    }

    [Fact]
    public void Delete_entry_keeps_the_last_state()
    {
        var deleted = NewInvestigation();
        var entry = AuditEntries.ForDelete(deleted, Context, T0);
        Assert.Equal(AuditActionType.Delete, entry.Metadata.ActionType);
        Assert.Equal("inv-1", (string?)entry.StateSnapshot["investigation_id"]);
        Assert.Empty(entry.Changes.After);
        Assert.Null(entry.ToVersion);
    }

    [Fact]
    public void Entries_get_distinct_ids()
    {
        var investigation = NewInvestigation();
        Assert.NotEqual(AuditEntries.ForCreate(investigation, Context, T0).EntryId, AuditEntries.ForCreate(investigation, Context, T0).EntryId);
    }

    [Fact]
    public void Snapshots_are_independent_copies()
    {
        var investigation = NewInvestigation();
        var entry = AuditEntries.ForCreate(investigation, Context, T0);
        entry.Changes.After["settings"]!.AsObject()["name"] = "changed";
        Assert.Equal("Card testing", (string?)entry.StateSnapshot["settings"]!["name"]);
        Assert.IsType<JsonObject>(entry.StateSnapshot["metadata"]);
    }

    /// <summary>About <paramref name="megabytes"/> MB of findings, as a large investigation carries them.</summary>
    internal static JsonObject LargeResults(int megabytes, string tag)
        => new()
        {
            ["summary"] = tag,
            ["findings"] = new JsonArray(Enumerable.Range(0, megabytes * 1024).Select(i => (JsonNode)new JsonObject
            {
                ["id"] = $"{tag}-{i}",
                ["text"] = new string((char)('a' + i % 26), 1000),
            }).ToArray()),
        };

    [Fact]
    public void Entries_of_a_5_MB_investigation_stay_within_the_budget_with_digests_named_as_truncated()
    {
        var created = NewInvestigation();
        created.Results = LargeResults(5, "first");
        var create = AuditEntries.ForCreate(created, Context, T0);

        Assert.True(AuditEntries.JsonSize(create) <= AuditEntries.MaxEntryBytes, $"{AuditEntries.JsonSize(create)} bytes");
        Assert.Equal([AuditEntries.SnapshotName, "results"], create.Changes.Truncated);
        Assert.Equal(true, (bool?)create.StateSnapshot["truncated"]);
        Assert.Equal(1, (int?)create.StateSnapshot["version"]);
        Assert.Equal(64, ((string?)create.StateSnapshot["sha256"])!.Length);
        Assert.True((int)create.Changes.After["results"]!["size_bytes"]! > 5_000_000);
        Assert.Equal("Card testing", (string?)create.Changes.After["settings"]!["name"]); // small changes stay whole

        var updated = NewInvestigation();
        updated.Results = LargeResults(5, "second");
        updated.Version = 2;
        var update = AuditEntries.ForUpdate(created, updated, Context, T0);

        Assert.True(AuditEntries.JsonSize(update) <= AuditEntries.MaxEntryBytes);
        Assert.Equal(["results"], update.Changes.FieldsModified);
        Assert.NotEqual((string?)update.Changes.Before["results"]!["sha256"], (string?)update.Changes.After["results"]!["sha256"]);
    }

    [Fact]
    public void Entry_ids_are_time_ordered_uuid_v7()
    {
        var earlier = AuditEntries.ForCreate(NewInvestigation(), Context, T0);
        var later = AuditEntries.ForCreate(NewInvestigation(), Context, T0.AddSeconds(1));

        Assert.Equal(7, Guid.Parse(earlier.EntryId).Version);
        Assert.True(string.CompareOrdinal(earlier.EntryId, later.EntryId) < 0);
    }

    [Fact]
    public void A_small_entry_is_kept_whole()
    {
        var entry = AuditEntries.ForCreate(NewInvestigation(), Context, T0);

        Assert.Empty(entry.Changes.Truncated);
        Assert.Equal("inv-1", (string?)entry.StateSnapshot["investigation_id"]);
    }

    [Fact]
    public void Fit_drops_the_snapshot_before_any_change()
    {
        var investigation = NewInvestigation();
        investigation.Results = LargeResults(1, "x");
        var entry = AuditEntries.ForCreate(NewInvestigation(), Context, T0);
        entry.StateSnapshot = AuditEntries.Snapshot(investigation); // a snapshot larger than the change

        var fitted = AuditEntries.Fit(entry, AuditEntries.JsonSize(entry) - 1000, AuditEntries.JsonSize);

        Assert.Equal([AuditEntries.SnapshotName], fitted.Changes.Truncated);
        Assert.Equal("Card testing", (string?)fitted.Changes.After["settings"]!["name"]);
    }
}
