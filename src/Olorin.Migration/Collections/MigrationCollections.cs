using System.Text.Json;
using Olorin.Core.Models;
using Olorin.Core.Ports;

namespace Olorin.Migration.Collections;

/// <summary>
/// The ten collections in copy order (nine keyed by (tenant, id), transaction scores by (tenant, investigation, transaction), the audit log by its entry id) (parents before children, so a reader of the target during the copy sees an
/// investigation before its scores), each bound to its repository port.
/// </summary>
public static class MigrationCollections
{
    public static IReadOnlyList<MigrationCollection> All { get; } =
    [
        ByTenant<IInvestigationRepository, Investigation>("investigations", x => new(x.TenantId, x.InvestigationId), parent: true),
        ByTenant<ITemplateRepository, InvestigationTemplate>("templates", x => new(x.TenantId, x.TemplateId), parent: true),
        ByTenant<IDetectorRepository, Detector>("detectors", x => new(x.TenantId, x.DetectorId), parent: true),
        ByTenant<IDetectionRunRepository, DetectionRun>("detection_runs", x => new(x.Metadata.TenantId, x.RunId), parent: true),
        ByTenant<IAnomalyEventRepository, AnomalyEvent>("anomaly_events", x => new(x.TenantId, x.AnomalyId), embedding: x => x.Embedding),
        TransactionScores(),
        ByString<IAuditLogRepository, AuditLogEntry>("audit_log", x => x.EntryId, x => new(x.Metadata.TenantId, x.EntryId), timeSeries: true),
        ByTenant<IComposioConnectionRepository, ComposioConnection>("composio_connections", x => new(x.TenantId, x.ConnectionId)),
        ByTenant<IComposioActionAuditRepository, ComposioActionAudit>("composio_action_audits", x => new(x.TenantId, x.AuditId)),
        ByTenant<ISoarPlaybookExecutionRepository, SoarPlaybookExecution>("soar_playbook_executions", x => new(x.TenantId, x.ExecutionId)),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToList();

    /// <summary>The named collections in copy order; throws <see cref="ArgumentException"/> naming an unknown one.</summary>
    public static IReadOnlyList<MigrationCollection> Select(IEnumerable<string>? names)
    {
        if (names is null) return All;
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(n => !Names.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown collection(s): {string.Join(", ", unknown)}; known: {string.Join(", ", Names)}");
        return All.Where(c => wanted.Contains(c.Name)).ToList();
    }

    /// <summary>A collection keyed by (tenant, id), ordered ordinally tenant first; the cursor is the key as a JSON pair.</summary>
    private static PortCollection<TPort, TDocument, TenantKey> ByTenant<TPort, TDocument>(
        string name, Func<TDocument, DocumentKey> identity, bool timeSeries = false, Func<TDocument, float[]?>? embedding = null, bool parent = false)
        where TPort : IBulkTransferPort<TDocument, TenantKey>
        where TDocument : class
        => new(name, identity,
            k => JsonSerializer.Serialize(new[] { k.TenantId, k.Id }),
            c => JsonSerializer.Deserialize<string[]>(c) is [var tenant, var id]
                ? new TenantKey(tenant, id)
                : throw new FormatException($"not a {name} cursor: {c}"),
            (a, b) => a.CompareTo(b), embedding)
        {
            KeyOnly = x => { var key = identity(x); return new TenantKey(key.TenantId, key.Id); },
            TimeSeries = timeSeries,
            Parent = parent,
            KeyValuesOf = ArrayCursor,
            CursorOfValues = k => ArrayCursorOf(name, k, 2),
        };

    private static string ArrayCursorOf(string name, IReadOnlyList<string> key, int count)
        => key.Count == count ? JsonSerializer.Serialize(key) : throw new FormatException($"{name}: {count} key values expected, got {key.Count}");

    /// <summary>A cursor that is the key values as a JSON array of strings.</summary>
    private static IReadOnlyList<string> ArrayCursor(string cursor)
        => JsonSerializer.Deserialize<string[]>(cursor) ?? throw new FormatException($"not a cursor: {cursor}");

    private static PortCollection<TPort, TDocument, string> ByString<TPort, TDocument>(
        string name, Func<TDocument, string> key, Func<TDocument, DocumentKey> identity, bool timeSeries = false,
        Func<TDocument, float[]?>? embedding = null)
        where TPort : IBulkTransferPort<TDocument, string>
        where TDocument : class
        => new(name, identity, k => k, c => c, string.CompareOrdinal, embedding)
        {
            KeyOnly = key, TimeSeries = timeSeries, KeyValuesOf = c => [c], CursorOfValues = k => k is [var only] ? only : throw new FormatException($"{name}: one key value expected"),
        };

    private static MigrationCollection TransactionScores()
        => new PortCollection<ITransactionScoreRepository, TransactionScore, TransactionScoreKey>(
            "transaction_scores",
            x => new DocumentKey(x.TenantId, $"{x.InvestigationId}/{x.TransactionId}"),
            k => JsonSerializer.Serialize(new[] { k.TenantId, k.InvestigationId, k.TransactionId }),
            c => JsonSerializer.Deserialize<string[]>(c) is [var tenant, var investigation, var transaction]
                ? new TransactionScoreKey(tenant, investigation, transaction)
                : throw new FormatException($"not a transaction score cursor: {c}"),
            (a, b) => a.CompareTo(b))
        {
            KeyOnly = x => new TransactionScoreKey(x.TenantId, x.InvestigationId, x.TransactionId),
            KeyValuesOf = ArrayCursor,
            CursorOfValues = k => ArrayCursorOf("transaction_scores", k, 3),
        };
}
