using System.Globalization;

namespace Olorin.Server.Apis.Investigations;

/// <summary>
/// An investigation's changes read from its audit trail through <see cref="IAuditLogRepository"/> (the history that
/// every create, update and delete writes with the change). Reading the stored trail, rather than in-process events,
/// makes <c>/changes</c> and the event stream the same on both backends and on every server instance.
/// </summary>
public sealed class InvestigationChangeFeed(IAuditLogRepository auditLog)
{
    public const int PageSize = 100;

    /// <summary>At most this many changes are returned at once; beyond it the answer says it is incomplete.</summary>
    public const int MaxChanges = 1000;

    /// <summary>
    /// The changes after version <paramref name="sinceVersion"/> of the investigation's current life (a DELETE, and a
    /// CREATE under the same id, start a new one), oldest first; null when it has no history in the tenant.
    /// </summary>
    public async Task<ChangeSet?> SinceVersionAsync(string tenantId, string investigationId, int sinceVersion, CancellationToken cancellationToken)
    {
        var reachedCreate = false;
        return await ReadBackAsync(tenantId, investigationId, entry =>
        {
            if (reachedCreate) return true;
            if (entry.Metadata.ActionType == AuditActionType.Delete) return entry.FromVersion is { } deleted && deleted < sinceVersion;
            if (entry.ToVersion is not { } version) return false;
            if (version <= sinceVersion) return true;
            reachedCreate = entry.Metadata.ActionType == AuditActionType.Create;
            return false;
        }, cancellationToken);
    }

    /// <summary>The changes stored after <paramref name="cursor"/> (all of them when null), oldest first.</summary>
    public Task<ChangeSet?> AfterAsync(string tenantId, string investigationId, ChangeCursor? cursor, CancellationToken cancellationToken)
        => ReadBackAsync(tenantId, investigationId, entry => cursor is { } c && !c.IsBefore(entry), cancellationToken);

    /// <summary>The newest stored change, or null when the investigation has no history in the tenant.</summary>
    public async Task<AuditLogEntry?> LatestAsync(string tenantId, string investigationId, CancellationToken cancellationToken)
        => (await auditLog.GetHistoryAsync(tenantId, investigationId, 1, 0, cancellationToken)).FirstOrDefault();

    /// <summary>Walks the history newest first until <paramref name="isOlder"/> holds, then returns what came after, oldest first.</summary>
    private async Task<ChangeSet?> ReadBackAsync(
        string tenantId, string investigationId, Func<AuditLogEntry, bool> isOlder, CancellationToken cancellationToken)
    {
        var newer = new List<AuditLogEntry>();
        var any = false;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await auditLog.GetHistoryAsync(tenantId, investigationId, PageSize, offset, cancellationToken);
            any |= page.Count > 0;
            foreach (var entry in page)
            {
                if (isOlder(entry)) return Done(complete: true);
                newer.Add(entry);
                if (newer.Count == MaxChanges) return Done(complete: false);
            }
            if (page.Count < PageSize) return any ? Done(complete: true) : null;
        }

        ChangeSet Done(bool complete)
            => new(newer.OrderBy(e => e.Timestamp).ThenBy(e => e.EntryId, StringComparer.Ordinal).ToList(), complete);
    }
}

/// <param name="Complete">False when more than <see cref="InvestigationChangeFeed.MaxChanges"/> changes matched and only the newest were read.</param>
public sealed record ChangeSet(IReadOnlyList<AuditLogEntry> Changes, bool Complete);

/// <summary>
/// A position in an investigation's audit trail: the time and id of the last change a client saw. Its text form
/// (<c>&lt;ticks&gt;-&lt;entry_id&gt;</c>) is the Server-Sent Events id, so <c>Last-Event-ID</c> resumes after it.
/// </summary>
public readonly record struct ChangeCursor(DateTime Timestamp, string EntryId)
{
    public static ChangeCursor Of(AuditLogEntry entry) => new(entry.Timestamp, entry.EntryId);

    /// <summary>Whether <paramref name="entry"/> was stored after this position (same order as the trail: time, then id).</summary>
    public bool IsBefore(AuditLogEntry entry)
        => entry.Timestamp > Timestamp || (entry.Timestamp == Timestamp && string.CompareOrdinal(entry.EntryId, EntryId) > 0);

    public override string ToString() => $"{Timestamp.Ticks.ToString(CultureInfo.InvariantCulture)}-{EntryId}";

    public static bool TryParse(string? text, out ChangeCursor cursor)
    {
        cursor = default;
        var dash = text?.IndexOf('-') ?? -1;
        if (dash <= 0 || dash == text!.Length - 1) return false;
        if (!long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks) return false;
        cursor = new ChangeCursor(new DateTime(ticks, DateTimeKind.Utc), text[(dash + 1)..]);
        return true;
    }
}
