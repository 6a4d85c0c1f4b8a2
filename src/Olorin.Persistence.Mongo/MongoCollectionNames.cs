namespace Olorin.Persistence.Mongo;

/// <summary>The ten collection names of DATA-MODEL.md.</summary>
public static class MongoCollectionNames
{
    public const string Investigations = "investigations";
    public const string Detectors = "detectors";
    public const string DetectionRuns = "detection_runs";
    public const string AnomalyEvents = "anomaly_events";
    public const string TransactionScores = "transaction_scores";
    public const string AuditLog = "audit_log";
    public const string Templates = "templates";
    public const string ComposioConnections = "composio_connections";
    public const string ComposioActionAudits = "composio_action_audits";
    public const string SoarPlaybookExecutions = "soar_playbook_executions";

    public static IReadOnlyList<string> All { get; } =
    [
        Investigations, Detectors, DetectionRuns, AnomalyEvents, TransactionScores,
        AuditLog, Templates, ComposioConnections, ComposioActionAudits, SoarPlaybookExecutions,
    ];

    /// <summary>
    /// Collections created as time series when MONGODB_ENABLE_TIME_SERIES is on (Decision 2). detection_runs is not
    /// one of them any more (runs change status); one created as a time series by the earlier system is still served.
    /// </summary>
    public static IReadOnlyList<string> TimeSeries { get; } = [AuditLog];
}
