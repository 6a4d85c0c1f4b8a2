namespace Olorin.Persistence.Postgres.Schema;

/// <summary>One index of the EF model: its table, name, columns in order and uniqueness.</summary>
public sealed record ModelIndex(string Table, string Name, IReadOnlyList<string> Columns, bool Unique);

/// <summary>
/// Every index of the EF model (<see cref="OlorinDbContext"/>), written out so that the operator tools can check a
/// database's indexes without building the model (about a CPU-second: the tail of every <c>verify-migration</c>).
/// A test keeps it equal to the model and prints the list to paste here when it is not.
/// </summary>
public static class ModelIndexes
{
    public static IReadOnlyList<ModelIndex> All { get; } =
    [
        new("anomaly_event_deletions", "ix_anomaly_event_deletions_deleted_at", ["deleted_at"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_embedding", ["embedding"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_tenant_id_change_xid", ["tenant_id", "change_xid"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_tenant_id_detector_id_score_anomaly_id", ["tenant_id", "detector_id", "score", "anomaly_id"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_tenant_id_investigation_id", ["tenant_id", "investigation_id"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_tenant_id_run_id_created_at", ["tenant_id", "run_id", "created_at"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_tenant_id_score_anomaly_id", ["tenant_id", "score", "anomaly_id"], Unique: false),
        new("anomaly_events", "ix_anomaly_events_tenant_id_status_severity", ["tenant_id", "status", "severity"], Unique: false),
        new("composio_action_audit", "ix_composio_action_audit_tenant_id_connection_id", ["tenant_id", "connection_id"], Unique: false),
        new("composio_action_audit", "ix_composio_action_audit_tenant_id_executed_at", ["tenant_id", "executed_at"], Unique: false),
        new("composio_action_audit", "ix_composio_action_audit_tenant_id_status_executed_at", ["tenant_id", "status", "executed_at"], Unique: false),
        new("composio_action_audit", "ix_composio_action_audit_tenant_id_toolkit_name", ["tenant_id", "toolkit_name"], Unique: false),
        new("composio_connections", "ix_composio_connections_tenant_id_expires_at", ["tenant_id", "expires_at"], Unique: false),
        new("composio_connections", "ix_composio_connections_tenant_id_toolkit_name_status", ["tenant_id", "toolkit_name", "status"], Unique: false),
        new("detectors", "ix_detectors_tenant_id_enabled", ["tenant_id", "enabled"], Unique: false),
        new("detectors", "ix_detectors_tenant_id_type_enabled", ["tenant_id", "type", "enabled"], Unique: false),
        new("investigation_states", "ix_investigation_states_embedding", ["embedding"], Unique: false),
        new("investigation_states", "ix_investigation_states_search_vector", ["search_vector"], Unique: false),
        new("investigation_states", "ix_investigation_states_tenant_id_status", ["tenant_id", "status"], Unique: false),
        new("investigation_states", "ix_investigation_states_tenant_id_updated_at", ["tenant_id", "updated_at"], Unique: false),
        new("investigation_states", "ix_investigation_states_tenant_id_user_id_created_at", ["tenant_id", "user_id", "created_at"], Unique: false),
        new("investigation_templates", "ix_investigation_templates_tenant_id_usage_count", ["tenant_id", "usage_count"], Unique: false),
        new("investigation_templates", "ix_investigation_templates_tenant_id_user_id_name", ["tenant_id", "user_id", "name"], Unique: true),
        new("soar_playbook_executions", "ix_soar_playbook_executions_tenant_id_investigation_id_started", ["tenant_id", "investigation_id", "started_at"], Unique: false),
        new("soar_playbook_executions", "ix_soar_playbook_executions_tenant_id_status_started_at", ["tenant_id", "status", "started_at"], Unique: false),
        new("transaction_scores", "ix_transaction_scores_tenant_id_created_at", ["tenant_id", "created_at"], Unique: false),
        new("transaction_scores", "ix_transaction_scores_tenant_id_investigation_id_risk_score_tr", ["tenant_id", "investigation_id", "risk_score", "transaction_id"], Unique: false),
    ];
}
