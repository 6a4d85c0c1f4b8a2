namespace Olorin.Persistence.Postgres;

/// <summary>The table behind each collection name the migration tools use (the MongoDB collection names).</summary>
public static class PostgresCollectionTables
{
    public static IReadOnlyDictionary<string, string> ByCollection { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["investigations"] = "investigation_states", ["templates"] = "investigation_templates", ["detectors"] = "detectors",
        ["detection_runs"] = "detection_runs", ["anomaly_events"] = "anomaly_events", ["transaction_scores"] = "transaction_scores",
        ["audit_log"] = "investigation_audit_log", ["composio_connections"] = "composio_connections",
        ["composio_action_audits"] = "composio_action_audit", ["soar_playbook_executions"] = "soar_playbook_executions",
    };
}
