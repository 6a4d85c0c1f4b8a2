using System.Text.Json.Nodes;
using Olorin.Core.Models;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>One document of each model with every field set (nested free-form JSON included).</summary>
internal static class SampleDocuments
{
    public static readonly DateTime T0 = new(2026, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);

    public static DateTime At(int minutes) => T0.AddMinutes(minutes);

    /// <summary>Nested objects and arrays with every JSON number kind, strings, booleans and null.</summary>
    public static JsonObject Json(string tag) => new()
    {
        ["tag"] = tag,
        ["count"] = 42,
        ["big"] = 9_000_000_000L,
        ["ratio"] = 0.125,
        ["price"] = 19.99m,
        ["flag"] = true,
        ["nothing"] = null,
        ["list"] = new JsonArray(1, "two", 3.5, false, null, new JsonObject { ["deep"] = new JsonArray(new JsonArray(7)) }),
        ["nested"] = new JsonObject { ["level"] = 2, ["inner"] = new JsonObject { ["text"] = "déjà vu", ["empty"] = new JsonObject() } },
    };

    /// <summary>
    /// Members a fixed-shape object does not know, as a client sends them: every BSON number kind (Int32 <c>5</c>,
    /// Double <c>5.0</c>, Int64, Decimal128), a string, null, and nested objects and arrays.
    /// </summary>
    public static UnknownMembers Unknown(string tag) => new(System.Text.Json.JsonDocument.Parse($$$"""
        {"legacy_tag": "{{{tag}}}", "count": 5, "ratio": 5.0, "big": 9000000000, "precise": 0.1234567890123456789,
         "nothing": null, "nested": {"deep": [1, 2.5, "x", null, {"k": {}}]}}
        """).RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)));

    public static Investigation Investigation() => new()
    {
        InvestigationId = "inv-1",
        UserId = "user-1",
        TenantId = "tenant-1",
        LifecycleStage = LifecycleStage.InProgress,
        Status = InvestigationStatus.Cancelled,
        Settings = new JsonObject
        {
            ["name"] = "Card testing ring",
            ["entity_type"] = "email",
            ["entity_value"] = "a@b.example",
            ["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "ip", ["entity_value"] = "10.0.0.1" }),
            ["time_range"] = new JsonObject { ["start"] = "2026-01-01T00:00:00.000Z", ["end"] = "2026-01-01T01:00:00", ["duration_hours"] = 1, ["type"] = "custom" },
            ["investigation_type"] = "hybrid",
            ["tools"] = new JsonArray(new JsonObject { ["tool_id"] = "snowflake", ["enabled"] = false, ["config"] = Json("tool") }),
            ["additional_config"] = Json("additional"),
            ["unknown_member"] = new JsonObject { ["kept"] = true },
        },
        Progress = new JsonObject
        {
            ["current_phase"] = "analysis",
            ["progress_percentage"] = 42.5,
            ["phases_completed"] = new JsonArray("setup"),
            ["additional_data"] = Json("progress"),
        },
        Results = new JsonObject
        {
            ["summary"] = "Likely fraud",
            ["risk_score"] = 0.87,
            ["findings"] = new JsonArray(Json("finding-1"), new JsonObject { ["description"] = "velocity spike" }),
            ["recommendations"] = new JsonArray("block"),
            ["metadata"] = Json("results"),
        },
        Version = 7,
        CreatedAt = At(-120),
        UpdatedAt = At(-5),
        LastAccessed = At(-1),
        Metadata = new JsonObject { ["source"] = "API", ["priority"] = "high", ["tags"] = new JsonArray("ato"), ["custom_fields"] = Json("custom") },
    };

    public static Detector Detector() => new()
    {
        DetectorId = "det-1",
        Name = "Spend spikes",
        Type = DetectorType.MatrixProfile,
        CohortBy = new JsonObject { ["dimensions"] = new JsonArray("merchant", "country"), ["filters"] = Json("filters") },
        Metrics = new JsonObject { ["primary"] = "amount", ["secondary"] = new JsonArray("count"), ["aggregations"] = new JsonArray("sum", "p95") },
        Params = new JsonObject { ["sensitivity"] = 0.3, ["threshold"] = 3.5, ["window_size"] = 24, ["algorithm_specific"] = Json("algo"), ["k"] = 5 },
        Enabled = false,
        TenantId = "tenant-1",
        CreatedAt = At(-10),
        UpdatedAt = At(-2),
    };

    public static DetectionRun DetectionRun() => new()
    {
        RunId = "run-1",
        Metadata = new DetectionRunMetadata { DetectorId = "det-1", DetectorType = "stl_mad", TenantId = "tenant-1", Status = DetectionRunStatus.Failed },
        StartedAt = At(0),
        FinishedAt = At(3),
        DurationMs = 180_000,
        Window = new DetectionWindow { From = At(-60), To = At(0), DurationHours = 1, UnknownMembers = Unknown("window") },
        Info = new DetectionRunInfo { RecordsProcessed = 10_000_000_000, CohortsAnalyzed = 12, AnomaliesDetected = 3, ErrorMessage = "partial", AdditionalInfo = Json("info"), UnknownMembers = Unknown("info") },
    };

    public static AnomalyEvent AnomalyEvent() => new()
    {
        AnomalyId = "an-1",
        RunId = "run-1",
        DetectorId = "det-1",
        TenantId = "tenant-1",
        InvestigationId = "inv-1",
        Cohort = Json("cohort"),
        Evidence = Json("evidence"),
        Window = new AnomalyWindow { Start = At(-30), End = At(-15), DurationMinutes = 15, UnknownMembers = Unknown("window") },
        Metric = "amount",
        Observed = 1234.5,
        Expected = 100.25,
        Score = 6.75,
        Severity = AnomalySeverity.Critical,
        Status = AnomalyStatus.Triaged,
        PersistedN = 4,
        FirstSeen = At(-30),
        LastSeen = At(-1),
        Embedding = [.. Enumerable.Range(0, 384).Select(i => (float)Math.Sin(i) / 3f)],
        CreatedAt = At(0),
    };

    public static TransactionScore TransactionScore() => new()
    {
        InvestigationId = "inv-1",
        TransactionId = "tx-1",
        TenantId = "tenant-1",
        RiskScore = 0.66,
        ScoreComponents = new ScoreComponents { DeviceRisk = 0.1, LocationRisk = 0.2, VelocityRisk = 0.3, NetworkRisk = 0.4, UnknownMembers = Unknown("components") },
        CreatedAt = At(0),
    };

    public static AuditLogEntry AuditLogEntry() => new()
    {
        EntryId = "entry-1",
        Metadata = new AuditLogMetadata
        {
            InvestigationId = "inv-1", UserId = "user-1", TenantId = "tenant-1",
            ActionType = AuditActionType.SettingsChange, Source = AuditSource.Webhook,
        },
        Timestamp = At(0),
        Changes = new AuditChanges { FieldsModified = ["settings", "status"], Before = Json("before"), After = Json("after") },
        StateSnapshot = Json("snapshot"),
        FromVersion = 3,
        ToVersion = 4,
        IpAddress = "192.0.2.1",
        UserAgent = "curl/8",
    };

    public static InvestigationTemplate Template() => new()
    {
        TemplateId = "tpl-1",
        UserId = "user-1",
        TenantId = "tenant-1",
        Name = "ATO sweep",
        Description = "Account takeover",
        Tags = ["ato", "weekly"],
        Template = new TemplateBody { EntityType = "email", Settings = Json("settings"), Agents = ["device"], DataSources = ["splunk"], DefaultParams = Json("defaults"), UnknownMembers = Unknown("template") },
        UsageCount = 5_000_000_000,
        LastUsed = At(-3),
        CreatedAt = At(-100),
        UpdatedAt = At(-3),
    };

    public static ComposioConnection ComposioConnection() => new()
    {
        ConnectionId = "conn-1",
        TenantId = "tenant-1",
        ToolkitName = "slack",
        ComposioConnectionId = "ca_123",
        Status = ComposioConnectionStatus.Revoked,
        EncryptedAccessToken = "CfDJ8-encrypted",
        RefreshToken = "CfDJ8-refresh",
        ExpiresAt = At(60),
        LastUsedAt = At(-4),
        CreatedAt = At(-200),
        UpdatedAt = At(-4),
    };

    public static ComposioActionAudit ComposioActionAudit() => new()
    {
        AuditId = "audit-1",
        ActionId = "act-1",
        ToolkitName = "slack",
        ActionName = "SEND_MESSAGE",
        TenantId = "tenant-1",
        ConnectionId = "conn-1",
        ExecutionId = "exec-1",
        Parameters = Json("parameters"),
        Result = Json("result"),
        Status = ComposioActionStatus.Retrying,
        ExecutedAt = At(0),
        RetryCount = 2,
        ErrorMessage = "rate limited",
    };

    public static SoarPlaybookExecution SoarPlaybookExecution() => new()
    {
        ExecutionId = "exec-1",
        PlaybookId = "pb-1",
        TenantId = "tenant-1",
        InvestigationId = "inv-1",
        AnomalyId = "an-1",
        TriggerReason = "critical anomaly",
        TriggeredBy = "system",
        Status = SoarExecutionStatus.Completed,
        StartedAt = At(0),
        CompletedAt = At(2),
        DurationMs = 120_000,
        ActionsExecuted =
        [
            new SoarActionResult { ActionId = "a1", ActionType = "notify", Status = "completed", StartedAt = At(0), CompletedAt = At(1), Result = Json("action"), Error = "none", UnknownMembers = Unknown("action") },
            new SoarActionResult { ActionId = "a2", ActionType = "block", Status = "failed", StartedAt = At(1) },
        ],
        ErrorMessage = "one action failed",
    };
}
