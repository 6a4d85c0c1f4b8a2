using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Ports;

namespace Olorin.Migration.Seeding;

/// <summary>
/// A deterministic synthetic dataset in one tenant, shaped like production: per investigation about two audit
/// entries, one anomaly (384-dimension embedding drawn around one of 32 cluster centres, as real embeddings cluster),
/// three transaction scores, and a share of detectors, detection runs, templates, Composio connections and action
/// audits and SOAR executions; every collection gets documents. Free-form objects mix integers, doubles and nested
/// values; timestamps have millisecond precision (what every backend stores). Used by the tests and by
/// <c>olorin benchmark --seed-data</c>.
/// </summary>
public sealed class SyntheticDataset(string tenantId, int investigations, int seed = 7)
{
    public const int Dimensions = 384;
    private const int Clusters = 32;

    public string TenantId { get; } = tenantId;

    /// <summary>Documents per collection this dataset writes (roughly 7.9 per investigation).</summary>
    public long ExpectedDocuments => Plan().Sum(p => p.Count);

    public IReadOnlyList<(string Collection, int Count)> Plan() =>
    [
        ("investigations", investigations),
        ("templates", Math.Max(1, investigations / 20)),
        ("detectors", Math.Max(1, investigations / 20)),
        ("detection_runs", Math.Max(1, investigations / 5)),
        ("anomaly_events", investigations),
        ("transaction_scores", investigations * 3),
        ("audit_log", investigations * 2),
        ("composio_connections", Math.Max(1, investigations / 10)),
        ("composio_action_audits", Math.Max(1, investigations * 3 / 10)),
        ("soar_playbook_executions", Math.Max(1, investigations / 5)),
    ];

    /// <summary>Writes the dataset through the ports of <paramref name="services"/>, in batches of <paramref name="batchSize"/>.</summary>
    public async Task WriteAsync(IServiceProvider services, int batchSize = 1000, Action<string, long>? progress = null, CancellationToken cancellationToken = default)
    {
        var counts = Plan().ToDictionary(p => p.Collection, p => p.Count);
        await WriteAsync<IInvestigationRepository, Investigation, TenantKey>(services, "investigations", Investigations(counts["investigations"]), batchSize, progress, cancellationToken);
        await WriteAsync<ITemplateRepository, InvestigationTemplate, TenantKey>(services, "templates", Templates(counts["templates"]), batchSize, progress, cancellationToken);
        await WriteAsync<IDetectorRepository, Detector, TenantKey>(services, "detectors", Detectors(counts["detectors"]), batchSize, progress, cancellationToken);
        await WriteAsync<IDetectionRunRepository, DetectionRun, TenantKey>(services, "detection_runs", Runs(counts["detection_runs"], counts["detectors"]), batchSize, progress, cancellationToken);
        await WriteAsync<IAnomalyEventRepository, AnomalyEvent, TenantKey>(services, "anomaly_events", Anomalies(counts["anomaly_events"], counts["detection_runs"], counts["detectors"]), batchSize, progress, cancellationToken);
        await WriteAsync<ITransactionScoreRepository, TransactionScore, TransactionScoreKey>(services, "transaction_scores", Scores(counts["transaction_scores"]), batchSize, progress, cancellationToken);
        await WriteAsync<IAuditLogRepository, AuditLogEntry, string>(services, "audit_log", AuditEntries(counts["audit_log"]), batchSize, progress, cancellationToken);
        await WriteAsync<IComposioConnectionRepository, ComposioConnection, TenantKey>(services, "composio_connections", Connections(counts["composio_connections"]), batchSize, progress, cancellationToken);
        await WriteAsync<IComposioActionAuditRepository, ComposioActionAudit, TenantKey>(services, "composio_action_audits", ActionAudits(counts["composio_action_audits"], counts["composio_connections"]), batchSize, progress, cancellationToken);
        await WriteAsync<ISoarPlaybookExecutionRepository, SoarPlaybookExecution, TenantKey>(services, "soar_playbook_executions", SoarExecutions(counts["soar_playbook_executions"]), batchSize, progress, cancellationToken);
    }

    private static async Task WriteAsync<TPort, TDocument, TKey>(
        IServiceProvider services, string collection, IEnumerable<TDocument> documents, int batchSize,
        Action<string, long>? progress, CancellationToken cancellationToken)
        where TPort : IBulkTransferPort<TDocument, TKey>
    {
        long written = 0;
        foreach (var chunk in documents.Chunk(batchSize))
        {
            await using var scope = services.CreateAsyncScope();
            written += await scope.ServiceProvider.GetRequiredService<TPort>().BulkUpsertAsync(chunk, cancellationToken);
            progress?.Invoke(collection, written);
        }
    }

    // Ids are prefixed by the tenant so that datasets of two tenants never share an id, whatever the id rules.
    public string InvestigationId(int i) => $"{TenantId}-inv-{i:D7}";
    public string AnomalyId(int i) => $"{TenantId}-anom-{i:D7}";
    private string DetectorId(int i) => $"{TenantId}-det-{i:D5}";
    private string RunId(int i) => $"{TenantId}-run-{i:D6}";
    private string ConnectionId(int i) => $"{TenantId}-conn-{i:D5}";

    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DateTime Millis(Random random, int days = 300)
        => Epoch.AddMilliseconds(random.NextInt64(0, days * 86_400_000L));

    private IEnumerable<Investigation> Investigations(int count)
    {
        var random = new Random(seed * 31 + 1);
        for (var i = 0; i < count; i++)
        {
            var created = Millis(random);
            yield return new Investigation
            {
                InvestigationId = InvestigationId(i),
                UserId = $"user-{i % 50}",
                TenantId = TenantId,
                LifecycleStage = (LifecycleStage)(i % 4),
                Status = (InvestigationStatus)(i % 6),
                Version = 1 + i % 7,
                CreatedAt = created,
                UpdatedAt = created.AddMinutes(i % 300),
                LastAccessed = i % 3 == 0 ? null : created.AddHours(5),
                // Settings, progress, results and metadata are kept verbatim as JSON objects (Decision 12).
                Settings = new JsonObject
                {
                    ["name"] = $"Investigation {i}",
                    ["entity_type"] = "user_id",
                    ["entity_value"] = $"entity-{i % 997}",
                    ["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "ip", ["entity_value"] = $"10.0.{i % 255}.{i % 7}" }),
                    ["time_range"] = new JsonObject { ["start_date"] = created.AddDays(-7).ToString("O"), ["end_date"] = created.ToString("O"), ["duration_hours"] = 168, ["type"] = "relative" },
                    ["investigation_type"] = i % 2 == 0 ? "structured" : "hybrid",
                    ["tools"] = new JsonArray(new JsonObject { ["tool_name"] = "snowflake", ["config"] = new JsonObject { ["limit"] = 100 + i % 10, ["threshold"] = 0.25 + i % 4 } }),
                    ["agents_selected"] = new JsonArray("device", "location"),
                    ["data_sources"] = new JsonArray("snowflake"),
                    ["additional_config"] = new JsonObject { ["count"] = i % 13, ["weight"] = 0.5 + i % 3, ["nested"] = new JsonObject { ["flag"] = i % 2 == 0, ["list"] = new JsonArray(1, 2.5, "x") } },
                },
                Progress = i % 4 == 0 ? null : new JsonObject
                {
                    ["current_phase"] = "analysis",
                    ["progress_percentage"] = i % 100,
                    ["phases_completed"] = new JsonArray("init"),
                    ["estimated_completion"] = created.AddHours(2).ToString("O"),
                    ["step"] = i % 5,
                },
                Results = i % 3 != 0 ? null : new JsonObject
                {
                    ["summary"] = $"Summary of {i}",
                    ["risk_score"] = (i % 100) / 100.0,
                    ["findings"] = new JsonArray(new JsonObject { ["kind"] = "velocity", ["score"] = (i % 17) / 17.0 }),
                    ["recommendations"] = new JsonArray("review"),
                    ["metadata"] = new JsonObject { ["model"] = "v2" },
                },
                Metadata = new JsonObject { ["source"] = "USER", ["priority"] = (i % 3) switch { 0 => "low", 1 => "medium", _ => "high" }, ["tags"] = new JsonArray("fraud", $"t{i % 9}"), ["custom_fields"] = new JsonObject { ["ticket"] = $"T-{i}" } },
            };
        }
    }

    private IEnumerable<InvestigationTemplate> Templates(int count)
    {
        var random = new Random(seed * 31 + 2);
        for (var i = 0; i < count; i++)
        {
            var created = Millis(random);
            yield return new InvestigationTemplate
            {
                TemplateId = $"{TenantId}-tpl-{i:D5}", UserId = $"user-{i % 50}", TenantId = TenantId, Name = $"Template {i}",
                Description = i % 2 == 0 ? null : "A template", Tags = ["standard"], UsageCount = i % 40, LastUsed = i % 2 == 0 ? null : created.AddDays(1),
                CreatedAt = created, UpdatedAt = created.AddDays(2),
                Template = new TemplateBody { EntityType = "user_id", Settings = new JsonObject { ["depth"] = i % 4 }, Agents = ["device"], DataSources = ["snowflake"], DefaultParams = new JsonObject { ["window"] = "7d" } },
            };
        }
    }

    private IEnumerable<Detector> Detectors(int count)
    {
        var random = new Random(seed * 31 + 3);
        for (var i = 0; i < count; i++)
        {
            var created = Millis(random);
            yield return new Detector
            {
                DetectorId = DetectorId(i), Name = $"Detector {i}", Type = (DetectorType)(i % 5), TenantId = TenantId, Enabled = i % 5 != 0,
                CohortBy = new JsonObject { ["dimensions"] = new JsonArray("merchant_id"), ["filters"] = new JsonObject { ["country"] = "US" } },
                Metrics = new JsonObject { ["primary"] = "tx_count", ["secondary"] = new JsonArray("amount"), ["aggregations"] = new JsonArray("sum") },
                Params = new JsonObject { ["sensitivity"] = 0.8, ["threshold"] = 3.5, ["window_size"] = 24, ["algorithm_specific"] = new JsonObject { ["k"] = 3 } },
                CreatedAt = created, UpdatedAt = created.AddHours(1),
            };
        }
    }

    private IEnumerable<DetectionRun> Runs(int count, int detectors)
    {
        var random = new Random(seed * 31 + 4);
        for (var i = 0; i < count; i++)
        {
            var started = Millis(random);
            var finished = i % 4 == 0 ? (DateTime?)null : started.AddMilliseconds(1000 + i % 5000);
            yield return new DetectionRun
            {
                RunId = RunId(i),
                Metadata = new DetectionRunMetadata { DetectorId = DetectorId(i % detectors), DetectorType = "stl_mad", TenantId = TenantId, Status = (DetectionRunStatus)(i % 4) },
                StartedAt = started, FinishedAt = finished, DurationMs = finished is null ? null : (long)(finished.Value - started).TotalMilliseconds,
                Window = new DetectionWindow { From = started.AddHours(-24), To = started, DurationHours = 24 },
                Info = new DetectionRunInfo { RecordsProcessed = 1000 + i, CohortsAnalyzed = 10, AnomaliesDetected = i % 3, AdditionalInfo = new JsonObject { ["shard"] = i % 8 } },
            };
        }
    }

    private IEnumerable<AnomalyEvent> Anomalies(int count, int runs, int detectors)
    {
        var random = new Random(seed * 31 + 5);
        var centres = Enumerable.Range(0, Clusters).Select(_ => RandomUnitVector(random, null, 0)).ToArray();
        for (var i = 0; i < count; i++)
        {
            var created = Millis(random);
            yield return new AnomalyEvent
            {
                AnomalyId = AnomalyId(i), RunId = RunId(i % runs), DetectorId = DetectorId(i % detectors), TenantId = TenantId,
                InvestigationId = i % 2 == 0 ? InvestigationId(i) : null,
                Cohort = new JsonObject { ["merchant_id"] = $"m-{i % 300}" },
                Evidence = new JsonObject { ["z"] = (i % 50) / 10.0, ["points"] = i % 9 },
                Window = new AnomalyWindow { Start = created.AddHours(-1), End = created, DurationMinutes = 60 },
                Metric = "tx_count", Observed = 100 + i % 50, Expected = 80.5, Score = (i % 60) / 10.0,
                Severity = (AnomalySeverity)(i % 3), Status = (AnomalyStatus)(i % 3), PersistedN = 1 + i % 4,
                FirstSeen = created.AddMinutes(-30), LastSeen = created,
                Embedding = EmbeddingNear(random, centres[i % Clusters]),
                CreatedAt = created,
            };
        }
    }

    /// <summary>A unit vector near <paramref name="centre"/> (or uniformly random when none).</summary>
    public static float[] EmbeddingNear(Random random, float[] centre) => RandomUnitVector(random, centre, 0.35f);

    public static float[] RandomUnitVector(Random random, float[]? centre, float noise)
    {
        var v = new float[Dimensions];
        double norm = 0;
        for (var d = 0; d < Dimensions; d++)
        {
            var gaussian = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            v[d] = centre is null ? gaussian : centre[d] + noise * gaussian / MathF.Sqrt(Dimensions);
            norm += v[d] * (double)v[d];
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var d = 0; d < Dimensions; d++) v[d] *= scale;
        return v;
    }

    private IEnumerable<TransactionScore> Scores(int count)
    {
        var random = new Random(seed * 31 + 6);
        for (var i = 0; i < count; i++)
        {
            yield return new TransactionScore
            {
                InvestigationId = InvestigationId(i / 3), TransactionId = $"tx-{i:D8}", TenantId = TenantId,
                RiskScore = Math.Round(random.NextDouble(), 4),
                ScoreComponents = i % 2 == 0 ? null : new ScoreComponents { DeviceRisk = 0.25, LocationRisk = 0.5, VelocityRisk = null, NetworkRisk = 0.125 },
                CreatedAt = Millis(random),
            };
        }
    }

    private IEnumerable<AuditLogEntry> AuditEntries(int count)
    {
        var random = new Random(seed * 31 + 7);
        for (var i = 0; i < count; i++)
        {
            yield return new AuditLogEntry
            {
                EntryId = $"{TenantId}-audit-{i:D8}",
                Metadata = new AuditLogMetadata { InvestigationId = InvestigationId(i / 2), UserId = $"user-{i % 50}", TenantId = TenantId, ActionType = (AuditActionType)(i % 6), Source = AuditSource.Api },
                Timestamp = Millis(random),
                Changes = new AuditChanges { FieldsModified = ["status"], Before = new JsonObject { ["status"] = "CREATED" }, After = new JsonObject { ["status"] = "IN_PROGRESS", ["version"] = 2 } },
                StateSnapshot = new JsonObject { ["version"] = 2, ["progress"] = 12.5 },
                FromVersion = 1, ToVersion = 2, IpAddress = "127.0.0.1", UserAgent = i % 2 == 0 ? null : "olorin-tests",
            };
        }
    }

    private IEnumerable<ComposioConnection> Connections(int count)
    {
        var random = new Random(seed * 31 + 8);
        for (var i = 0; i < count; i++)
        {
            var created = Millis(random);
            yield return new ComposioConnection
            {
                ConnectionId = ConnectionId(i), TenantId = TenantId, ToolkitName = "slack", ComposioConnectionId = $"cc-{i}",
                Status = (ComposioConnectionStatus)(i % 3), EncryptedAccessToken = $"CfDJ8-synthetic-{i:D6}", RefreshToken = i % 2 == 0 ? null : $"CfDJ8-refresh-{i:D6}",
                ExpiresAt = created.AddDays(30), LastUsedAt = i % 3 == 0 ? null : created.AddDays(1), CreatedAt = created, UpdatedAt = created.AddHours(3),
            };
        }
    }

    private IEnumerable<ComposioActionAudit> ActionAudits(int count, int connections)
    {
        var random = new Random(seed * 31 + 9);
        for (var i = 0; i < count; i++)
        {
            yield return new ComposioActionAudit
            {
                AuditId = $"{TenantId}-caa-{i:D7}", ActionId = $"act-{i}", ToolkitName = "slack", ActionName = "post_message", TenantId = TenantId,
                ConnectionId = ConnectionId(i % connections), ExecutionId = i % 2 == 0 ? null : $"exec-{i}",
                Parameters = new JsonObject { ["channel"] = "#fraud", ["retries"] = 2 }, Result = new JsonObject { ["ok"] = true, ["latency_ms"] = 12.75 },
                Status = (ComposioActionStatus)(i % 3), ExecutedAt = Millis(random), RetryCount = i % 3, ErrorMessage = i % 3 == 1 ? "rate limited" : null,
            };
        }
    }

    private IEnumerable<SoarPlaybookExecution> SoarExecutions(int count)
    {
        var random = new Random(seed * 31 + 10);
        for (var i = 0; i < count; i++)
        {
            var started = Millis(random);
            yield return new SoarPlaybookExecution
            {
                ExecutionId = $"{TenantId}-soar-{i:D6}", PlaybookId = $"pb-{i % 7}", TenantId = TenantId, InvestigationId = InvestigationId(i), AnomalyId = i % 2 == 0 ? AnomalyId(i) : null,
                TriggerReason = "score above threshold", TriggeredBy = "system", Status = (SoarExecutionStatus)(i % 4), StartedAt = started,
                CompletedAt = i % 4 == 0 ? null : started.AddSeconds(30), DurationMs = i % 4 == 0 ? null : 30_000,
                ActionsExecuted = [new SoarActionResult { ActionId = "a1", ActionType = "notify", Status = "ok", StartedAt = started, CompletedAt = started.AddSeconds(1), Result = new JsonObject { ["sent"] = 1 } }],
            };
        }
    }
}
