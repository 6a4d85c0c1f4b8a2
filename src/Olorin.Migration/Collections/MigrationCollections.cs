using System.Text.Json;
using Olorin.Core.Models;
using Olorin.Core.Ports;

namespace Olorin.Migration.Collections;

/// <summary>
/// The ten collections in copy order (parents before children, so a reader of the target during the copy sees an
/// investigation before its scores), each bound to its repository port.
/// </summary>
public static class MigrationCollections
{
    public static IReadOnlyList<MigrationCollection> All { get; } =
    [
        ByString<IInvestigationRepository, Investigation>("investigations", x => x.InvestigationId, x => new(x.TenantId, x.InvestigationId)),
        ByString<ITemplateRepository, InvestigationTemplate>("templates", x => x.TemplateId, x => new(x.TenantId, x.TemplateId)),
        ByString<IDetectorRepository, Detector>("detectors", x => x.DetectorId, x => new(x.TenantId, x.DetectorId)),
        ByString<IDetectionRunRepository, DetectionRun>("detection_runs", x => x.RunId, x => new(x.Metadata.TenantId, x.RunId), timeSeries: true),
        ByString<IAnomalyEventRepository, AnomalyEvent>("anomaly_events", x => x.AnomalyId, x => new(x.TenantId, x.AnomalyId), embedding: x => x.Embedding),
        TransactionScores(),
        ByString<IAuditLogRepository, AuditLogEntry>("audit_log", x => x.EntryId, x => new(x.Metadata.TenantId, x.EntryId), timeSeries: true),
        ByString<IComposioConnectionRepository, ComposioConnection>("composio_connections", x => x.ConnectionId, x => new(x.TenantId, x.ConnectionId)),
        ByString<IComposioActionAuditRepository, ComposioActionAudit>("composio_action_audits", x => x.AuditId, x => new(x.TenantId, x.AuditId)),
        ByString<ISoarPlaybookExecutionRepository, SoarPlaybookExecution>("soar_playbook_executions", x => x.ExecutionId, x => new(x.TenantId, x.ExecutionId)),
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

    private static PortCollection<TPort, TDocument, string> ByString<TPort, TDocument>(
        string name, Func<TDocument, string> key, Func<TDocument, DocumentKey> identity, bool timeSeries = false,
        Func<TDocument, float[]?>? embedding = null)
        where TPort : IBulkTransferPort<TDocument, string>
        where TDocument : class
        => new(name, identity, k => k, c => c, string.CompareOrdinal, embedding) { KeyOnly = key, TimeSeries = timeSeries };

    private static MigrationCollection TransactionScores()
        => new PortCollection<ITransactionScoreRepository, TransactionScore, TransactionScoreKey>(
            "transaction_scores",
            x => new DocumentKey(x.TenantId, $"{x.InvestigationId}/{x.TransactionId}"),
            k => JsonSerializer.Serialize(new[] { k.InvestigationId, k.TransactionId }),
            c => JsonSerializer.Deserialize<string[]>(c) is [var investigation, var transaction]
                ? new TransactionScoreKey(investigation, transaction)
                : throw new FormatException($"not a transaction score cursor: {c}"),
            (a, b) => a.CompareTo(b))
        {
            KeyOnly = x => new TransactionScoreKey(x.InvestigationId, x.TransactionId),
        };
}
