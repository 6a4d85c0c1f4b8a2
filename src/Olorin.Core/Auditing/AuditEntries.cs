using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Serialization;

namespace Olorin.Core.Auditing;

/// <summary>Builds the audit entry that goes with each investigation write, identically for every adapter.</summary>
public static class AuditEntries
{
    private static readonly HashSet<string> BookkeepingFields = ["version", "updated_at", "last_accessed"];

    public static AuditLogEntry ForCreate(Investigation created, AuditContext context, DateTime now)
        => Build(created, AuditActionType.Create, context, now, before: null, after: Snapshot(created), fromVersion: null, toVersion: created.Version);

    public static AuditLogEntry ForUpdate(Investigation before, Investigation after, AuditContext context, DateTime now)
        => Build(after, AuditActionType.Update, context, now, Snapshot(before), Snapshot(after), before.Version, after.Version);

    public static AuditLogEntry ForDelete(Investigation deleted, AuditContext context, DateTime now)
        => Build(deleted, AuditActionType.Delete, context, now, Snapshot(deleted), after: null, deleted.Version, toVersion: null);

    /// <summary>The investigation as stored-shape JSON (snake_case), used for snapshots and before/after.</summary>
    public static JsonObject Snapshot(Investigation investigation)
        => JsonSerializer.SerializeToNode(investigation, OlorinJson.Options)!.AsObject();

    private static AuditLogEntry Build(
        Investigation subject, AuditActionType action, AuditContext context, DateTime now,
        JsonObject? before, JsonObject? after, int? fromVersion, int? toVersion)
    {
        var (modified, beforeChanged, afterChanged) = Diff(before, after);
        return new AuditLogEntry
        {
            EntryId = Guid.NewGuid().ToString(),
            Metadata = new AuditLogMetadata
            {
                InvestigationId = subject.InvestigationId,
                UserId = context.UserId,
                TenantId = subject.TenantId,
                ActionType = action,
                Source = context.Source,
            },
            Timestamp = now,
            Changes = new AuditChanges { FieldsModified = modified, Before = beforeChanged, After = afterChanged },
            StateSnapshot = after?.DeepClone().AsObject() ?? before!.DeepClone().AsObject(),
            FromVersion = fromVersion,
            ToVersion = toVersion,
            IpAddress = context.IpAddress,
            UserAgent = context.UserAgent,
        };
    }

    private static (List<string> Modified, JsonObject Before, JsonObject After) Diff(JsonObject? before, JsonObject? after)
    {
        var modified = new List<string>();
        var beforeChanged = new JsonObject();
        var afterChanged = new JsonObject();
        var names = (before?.Select(p => p.Key) ?? []).Union(after?.Select(p => p.Key) ?? []);
        foreach (var name in names)
        {
            if (BookkeepingFields.Contains(name)) continue;
            var b = before?[name];
            var a = after?[name];
            if (before is not null && after is not null && JsonNode.DeepEquals(b, a)) continue;
            modified.Add(name);
            if (before is not null) beforeChanged[name] = b?.DeepClone();
            if (after is not null) afterChanged[name] = a?.DeepClone();
        }
        return (modified, beforeChanged, afterChanged);
    }
}
