using System.Text.Json;
using Olorin.Core.Models;
using Olorin.Core.Ports;

namespace Olorin.Migration.Collections;

/// <summary>
/// The ten collections (nine keyed by (tenant, id), transaction scores by (tenant, investigation, transaction), the
/// audit log by its entry id), each bound to its repository port, with the collections its documents name
/// (<see cref="MigrationCollection.References"/>, as the Core models name them: an anomaly names its
/// detector, run and investigation; a score and an audit entry their investigation; a run its detector; a SOAR
/// execution its investigation and anomaly; a Composio action audit its connection and the SOAR execution it ran in).
/// Templates, detectors, investigations and Composio connections name no other collection. This order is the one
/// results and reports list; the copy's start order is <see cref="Copying.CopySchedule"/>'s.
/// </summary>
public static class MigrationCollections
{
    public static IReadOnlyList<MigrationCollection> All { get; } =
    [
        ByTenant<IInvestigationRepository, Investigation>("investigations", x => new(x.TenantId, x.InvestigationId)),
        ByTenant<ITemplateRepository, InvestigationTemplate>("templates", x => new(x.TenantId, x.TemplateId)),
        ByTenant<IDetectorRepository, Detector>("detectors", x => new(x.TenantId, x.DetectorId)),
        ByTenant<IDetectionRunRepository, DetectionRun>("detection_runs", x => new(x.Metadata.TenantId, x.RunId), references: ["detectors"]),
        ByTenant<IAnomalyEventRepository, AnomalyEvent>("anomaly_events", x => new(x.TenantId, x.AnomalyId), embedding: x => x.Embedding,
            references: ["investigations", "detectors", "detection_runs"]),
        TransactionScores(),
        ByString<IAuditLogRepository, AuditLogEntry>("audit_log", x => x.EntryId, x => new(x.Metadata.TenantId, x.EntryId), timeSeries: true, references: ["investigations"]),
        ByTenant<IComposioConnectionRepository, ComposioConnection>("composio_connections", x => new(x.TenantId, x.ConnectionId)),
        ByTenant<IComposioActionAuditRepository, ComposioActionAudit>("composio_action_audits", x => new(x.TenantId, x.AuditId),
            references: ["composio_connections", "soar_playbook_executions"]),
        ByTenant<ISoarPlaybookExecutionRepository, SoarPlaybookExecution>("soar_playbook_executions", x => new(x.TenantId, x.ExecutionId),
            references: ["investigations", "anomaly_events"]),
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
        string name, Func<TDocument, DocumentKey> identity, bool timeSeries = false, Func<TDocument, float[]?>? embedding = null,
        IReadOnlyList<string>? references = null)
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
            References = references ?? [],
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
        Func<TDocument, float[]?>? embedding = null, IReadOnlyList<string>? references = null)
        where TPort : IBulkTransferPort<TDocument, string>
        where TDocument : class
        => new(name, identity, k => k, c => c, string.CompareOrdinal, embedding)
        {
            KeyOnly = key, TimeSeries = timeSeries, References = references ?? [], KeyValuesOf = c => [c], CursorOfValues = k => k is [var only] ? only : throw new FormatException($"{name}: one key value expected"),
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
            References = ["investigations"],
            KeyValuesOf = ArrayCursor,
            CursorOfValues = k => ArrayCursorOf("transaction_scores", k, 3),
        };
}
