using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Capture;

/// <summary>
/// Every write method of every repository port, on the MongoDB adapter, records its keys through the capture seam
/// before it touches the database and ends them after, even when the write fails. No server exists here, and none is
/// faked: the repositories talk to an address where nothing listens, so every call fails on its first command — and
/// what the seam recorded before that (intents in the outbox, through a recording double of <see cref="IWriteIntents"/>)
/// is what is checked. The completeness test makes a new port method fail the suite until it is classified and captured.
/// What needs a server (the keys of a delete by filter, read first; the audit move) is in <see cref="MongoCaptureIntegrationTests"/>.
/// </summary>
public sealed class RepositoryCaptureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Port methods that only read: everything else on a port is a write.</summary>
    private static readonly string[] ReadPrefixes = ["Get", "List", "Search", "Count", "Export", "KeyOf"];

    private static readonly AuditContext Audit = new("user-1");

    private static ChangeKey K(string collection, string id) => new(collection, "tenant-1", id);

    /// <summary>(port, method, parameter count) → the call and the keys it must capture.</summary>
    private static readonly Dictionary<string, (Func<IServiceProvider, Task> Call, ChangeKey[] Keys)> Cases = new()
    {
        ["IInvestigationRepository.CreateAsync/3"] = (sp => Port<IInvestigationRepository>(sp).CreateAsync(SampleDocuments.Investigation(), Audit, Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.UpdateAsync/6"] = (sp => Port<IInvestigationRepository>(sp).UpdateAsync("tenant-1", "inv-1", InvestigationWriteGuard.Any, new InvestigationPatch(Status: InvestigationStatus.Completed), Audit, Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.UpdateProgressAsync/4"] = (sp => Port<IInvestigationRepository>(sp).UpdateProgressAsync("tenant-1", "inv-1", new JsonObject { ["step"] = 2 }, Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.TouchLastAccessedAsync/5"] = (sp => Port<IInvestigationRepository>(sp).TouchLastAccessedAsync("tenant-1", "inv-1", SampleDocuments.At(5), SampleDocuments.At(4), Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.TouchLastAccessedAsync/3"] = (sp => Port<IInvestigationRepository>(sp).TouchLastAccessedAsync(
            [new InvestigationAccess("tenant-1", "inv-1", SampleDocuments.At(5)), new InvestigationAccess("tenant-1", "inv-2", SampleDocuments.At(5))], TimeSpan.FromMinutes(1), Ct),
            [K("investigations", "inv-1"), K("investigations", "inv-2")]),
        ["IInvestigationRepository.DeleteAsync/4"] = (sp => Port<IInvestigationRepository>(sp).DeleteAsync("tenant-1", "inv-1", Audit, Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.DeleteAsync/5"] = (sp => Port<IInvestigationRepository>(sp).DeleteAsync("tenant-1", "inv-1", InvestigationWriteGuard.Any, Audit, Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.SetEmbeddingAsync/5"] = (sp => Port<IInvestigationRepository>(sp).SetEmbeddingAsync("tenant-1", "inv-1", 1, new float[384], Ct), [K("investigations", "inv-1")]),
        ["IInvestigationRepository.BulkUpsertAsync/2"] = (sp => Port<IInvestigationRepository>(sp).BulkUpsertAsync([SampleDocuments.Investigation()], Ct), [K("investigations", "inv-1")]),

        ["IAuditLogRepository.AppendAsync/2"] = (sp => Port<IAuditLogRepository>(sp).AppendAsync(SampleDocuments.AuditLogEntry(), Ct), [K("audit_log", "entry-1")]),
        ["IAuditLogRepository.BulkUpsertAsync/2"] = (sp => Port<IAuditLogRepository>(sp).BulkUpsertAsync([SampleDocuments.AuditLogEntry()], Ct), [K("audit_log", "entry-1")]),

        ["IDetectorRepository.CreateAsync/2"] = (sp => Port<IDetectorRepository>(sp).CreateAsync(SampleDocuments.Detector(), Ct), [K("detectors", "det-1")]),
        ["IDetectorRepository.UpdateAsync/4"] = (sp => Port<IDetectorRepository>(sp).UpdateAsync("tenant-1", "det-1", new DetectorPatch(Name: "n"), Ct), [K("detectors", "det-1")]),
        ["IDetectorRepository.DeleteAsync/3"] = (sp => Port<IDetectorRepository>(sp).DeleteAsync("tenant-1", "det-1", Ct), [K("detectors", "det-1")]),
        ["IDetectorRepository.BulkUpsertAsync/2"] = (sp => Port<IDetectorRepository>(sp).BulkUpsertAsync([SampleDocuments.Detector()], Ct), [K("detectors", "det-1")]),

        ["IDetectionRunRepository.CreateAsync/2"] = (sp => Port<IDetectionRunRepository>(sp).CreateAsync(SampleDocuments.DetectionRun(), Ct), [K("detection_runs", "run-1")]),
        ["IDetectionRunRepository.UpdateStatusAsync/5"] = (sp => Port<IDetectionRunRepository>(sp).UpdateStatusAsync("tenant-1", "run-1", DetectionRunStatus.Running, null, Ct), [K("detection_runs", "run-1")]),
        ["IDetectionRunRepository.CompleteAsync/6"] = (sp => Port<IDetectionRunRepository>(sp).CompleteAsync("tenant-1", "run-1", DetectionRunStatus.Success, SampleDocuments.At(9), new DetectionRunInfo(), Ct), [K("detection_runs", "run-1")]),
        ["IDetectionRunRepository.BulkUpsertAsync/2"] = (sp => Port<IDetectionRunRepository>(sp).BulkUpsertAsync([SampleDocuments.DetectionRun()], Ct), [K("detection_runs", "run-1")]),

        ["IAnomalyEventRepository.CreateAsync/2"] = (sp => Port<IAnomalyEventRepository>(sp).CreateAsync(SampleDocuments.AnomalyEvent(), Ct), [K("anomaly_events", "an-1")]),
        ["IAnomalyEventRepository.InsertManyAsync/3"] = (sp => Port<IAnomalyEventRepository>(sp).InsertManyAsync("tenant-1", [SampleDocuments.AnomalyEvent(), Anomaly("an-2")], Ct), [K("anomaly_events", "an-1"), K("anomaly_events", "an-2")]),
        ["IAnomalyEventRepository.UpdateStatusAsync/4"] = (sp => Port<IAnomalyEventRepository>(sp).UpdateStatusAsync("tenant-1", "an-1", AnomalyStatus.Triaged, Ct), [K("anomaly_events", "an-1")]),
        ["IAnomalyEventRepository.LinkInvestigationAsync/4"] = (sp => Port<IAnomalyEventRepository>(sp).LinkInvestigationAsync("tenant-1", "an-1", "inv-1", Ct), [K("anomaly_events", "an-1")]),
        ["IAnomalyEventRepository.DeleteAsync/3"] = (sp => Port<IAnomalyEventRepository>(sp).DeleteAsync("tenant-1", "an-1", Ct), [K("anomaly_events", "an-1")]),
        ["IAnomalyEventRepository.SetEmbeddingIfMissingAsync/4"] = (sp => Port<IAnomalyEventRepository>(sp).SetEmbeddingIfMissingAsync("tenant-1", "an-1", new float[384], Ct), [K("anomaly_events", "an-1")]),
        ["IAnomalyEventRepository.BulkUpsertAsync/2"] = (sp => Port<IAnomalyEventRepository>(sp).BulkUpsertAsync([SampleDocuments.AnomalyEvent()], Ct), [K("anomaly_events", "an-1")]),

        ["ITransactionScoreRepository.InsertManyAsync/3"] = (sp => Port<ITransactionScoreRepository>(sp).InsertManyAsync("tenant-1", [SampleDocuments.TransactionScore(), Score("tx-2")], Ct), [K("transaction_scores", "inv-1/tx-1"), K("transaction_scores", "inv-1/tx-2")]),
        // The keys of a delete by filter are read first: with no server the read fails before any intent (the keys
        // captured are checked against a server in MongoCaptureIntegrationTests).
        ["ITransactionScoreRepository.DeleteByInvestigationAsync/3"] = (sp => Port<ITransactionScoreRepository>(sp).DeleteByInvestigationAsync("tenant-1", "inv-1", Ct), []),
        ["ITransactionScoreRepository.BulkUpsertAsync/2"] = (sp => Port<ITransactionScoreRepository>(sp).BulkUpsertAsync([SampleDocuments.TransactionScore()], Ct), [K("transaction_scores", "inv-1/tx-1")]),

        ["ITemplateRepository.CreateAsync/2"] = (sp => Port<ITemplateRepository>(sp).CreateAsync(SampleDocuments.Template(), Ct), [K("templates", "tpl-1")]),
        ["ITemplateRepository.UpdateAsync/5"] = (sp => Port<ITemplateRepository>(sp).UpdateAsync("tenant-1", "tpl-1", TemplateWriteGuard.Any, new TemplatePatch(Name: "n"), Ct), [K("templates", "tpl-1")]),
        ["ITemplateRepository.UpdateAsync/4"] = (sp => Port<ITemplateRepository>(sp).UpdateAsync("tenant-1", "tpl-1", new TemplatePatch(Name: "n"), Ct), [K("templates", "tpl-1")]),
        ["ITemplateRepository.RecordUsageAsync/4"] = (sp => Port<ITemplateRepository>(sp).RecordUsageAsync("tenant-1", "tpl-1", SampleDocuments.At(3), Ct), [K("templates", "tpl-1")]),
        ["ITemplateRepository.DeleteAsync/4"] = (sp => Port<ITemplateRepository>(sp).DeleteAsync("tenant-1", "tpl-1", TemplateWriteGuard.Any, Ct), [K("templates", "tpl-1")]),
        ["ITemplateRepository.DeleteAsync/3"] = (sp => Port<ITemplateRepository>(sp).DeleteAsync("tenant-1", "tpl-1", Ct), [K("templates", "tpl-1")]),
        ["ITemplateRepository.BulkUpsertAsync/2"] = (sp => Port<ITemplateRepository>(sp).BulkUpsertAsync([SampleDocuments.Template()], Ct), [K("templates", "tpl-1")]),

        ["IComposioConnectionRepository.CreateAsync/2"] = (sp => Port<IComposioConnectionRepository>(sp).CreateAsync(SampleDocuments.ComposioConnection(), Ct), [K("composio_connections", "conn-1")]),
        ["IComposioConnectionRepository.UpdateTokensAsync/7"] = (sp => Port<IComposioConnectionRepository>(sp).UpdateTokensAsync("tenant-1", "conn-1", "enc-a", null, null, SampleDocuments.At(1), Ct), [K("composio_connections", "conn-1")]),
        ["IComposioConnectionRepository.UpdateStatusAsync/5"] = (sp => Port<IComposioConnectionRepository>(sp).UpdateStatusAsync("tenant-1", "conn-1", ComposioConnectionStatus.Revoked, SampleDocuments.At(1), Ct), [K("composio_connections", "conn-1")]),
        ["IComposioConnectionRepository.TouchLastUsedAsync/4"] = (sp => Port<IComposioConnectionRepository>(sp).TouchLastUsedAsync("tenant-1", "conn-1", SampleDocuments.At(1), Ct), [K("composio_connections", "conn-1")]),
        ["IComposioConnectionRepository.DeleteAsync/3"] = (sp => Port<IComposioConnectionRepository>(sp).DeleteAsync("tenant-1", "conn-1", Ct), [K("composio_connections", "conn-1")]),
        ["IComposioConnectionRepository.BulkUpsertAsync/2"] = (sp => Port<IComposioConnectionRepository>(sp).BulkUpsertAsync([SampleDocuments.ComposioConnection()], Ct), [K("composio_connections", "conn-1")]),

        ["IComposioActionAuditRepository.CreateAsync/2"] = (sp => Port<IComposioActionAuditRepository>(sp).CreateAsync(SampleDocuments.ComposioActionAudit(), Ct), [K("composio_action_audits", "audit-1")]),
        ["IComposioActionAuditRepository.RecordRetryAsync/5"] = (sp => Port<IComposioActionAuditRepository>(sp).RecordRetryAsync("tenant-1", "audit-1", ComposioActionStatus.Retrying, "e", Ct), [K("composio_action_audits", "audit-1")]),
        ["IComposioActionAuditRepository.BulkUpsertAsync/2"] = (sp => Port<IComposioActionAuditRepository>(sp).BulkUpsertAsync([SampleDocuments.ComposioActionAudit()], Ct), [K("composio_action_audits", "audit-1")]),

        ["ISoarPlaybookExecutionRepository.CreateAsync/2"] = (sp => Port<ISoarPlaybookExecutionRepository>(sp).CreateAsync(SampleDocuments.SoarPlaybookExecution(), Ct), [K("soar_playbook_executions", "exec-1")]),
        ["ISoarPlaybookExecutionRepository.AppendActionAsync/4"] = (sp => Port<ISoarPlaybookExecutionRepository>(sp).AppendActionAsync("tenant-1", "exec-1", new SoarActionResult { ActionId = "a3", ActionType = "notify", Status = "completed", StartedAt = SampleDocuments.At(2) }, Ct), [K("soar_playbook_executions", "exec-1")]),
        ["ISoarPlaybookExecutionRepository.FinishAsync/6"] = (sp => Port<ISoarPlaybookExecutionRepository>(sp).FinishAsync("tenant-1", "exec-1", SoarExecutionStatus.Completed, SampleDocuments.At(4), null, Ct), [K("soar_playbook_executions", "exec-1")]),
        ["ISoarPlaybookExecutionRepository.BulkUpsertAsync/2"] = (sp => Port<ISoarPlaybookExecutionRepository>(sp).BulkUpsertAsync([SampleDocuments.SoarPlaybookExecution()], Ct), [K("soar_playbook_executions", "exec-1")]),
    };

    private static AnomalyEvent Anomaly(string id)
    {
        var anomaly = SampleDocuments.AnomalyEvent();
        anomaly.AnomalyId = id;
        return anomaly;
    }

    private static TransactionScore Score(string transactionId)
    {
        var score = SampleDocuments.TransactionScore();
        score.TransactionId = transactionId;
        return score;
    }

    private static T Port<T>(IServiceProvider services) where T : notnull => services.GetRequiredService<T>();

    /// <summary>Every write method of every port: its name, parameter count and the interface that declares it.</summary>
    public static TheoryData<string> WriteMethods()
    {
        var data = new TheoryData<string>();
        foreach (var name in AllWriteMethods()) data.Add(name);
        return data;
    }

    private static IEnumerable<string> AllWriteMethods()
        => RepositoryRegistration.Ports
            .SelectMany(port => port.GetInterfaces().Append(port).SelectMany(i => i.GetMethods()).Select(m => (Port: port, Method: m)))
            .Where(p => !ReadPrefixes.Any(prefix => p.Method.Name.StartsWith(prefix, StringComparison.Ordinal)))
            .Select(p => $"{p.Port.Name}.{p.Method.Name}/{p.Method.GetParameters().Length}")
            .Distinct()
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Every_write_method_of_every_port_has_a_capture_case()
    {
        var writes = AllWriteMethods().ToList();
        Assert.Equal(writes, Cases.Keys.Order(StringComparer.Ordinal));
        Assert.True(writes.Count >= 40, $"only {writes.Count} write methods found: is the read/write classification right?");
    }

    [Theory]
    [MemberData(nameof(WriteMethods))]
    public async Task The_write_records_its_keys_before_it_runs_and_ends_them_after_it_failed(string method)
    {
        var (call, keys) = Cases[method];
        var intents = new RecordingIntents();
        await using var services = Unreachable(intents);
        await using var scope = services.CreateAsyncScope();

        await Assert.ThrowsAnyAsync<Exception>(() => call(scope.ServiceProvider));

        if (keys.Length == 0)
        {
            Assert.Empty(intents.Calls);
            return;
        }
        Assert.Equal(["begin", "end"], intents.Calls.Select(c => c.Call));
        Assert.All(intents.Calls, c => Assert.Equal(keys.Select(k => k.ToString()).Order(), c.Keys.Select(k => k.ToString()).Order()));
    }

    [Fact]
    public async Task With_capture_off_no_write_records_anything()
    {
        var intents = new RecordingIntents();
        await using var services = Unreachable(intents, captureOn: false);
        await using var scope = services.CreateAsyncScope();

        foreach (var (_, (call, _)) in Cases)
            await Assert.ThrowsAnyAsync<Exception>(() => call(scope.ServiceProvider));

        Assert.Empty(intents.Calls);
    }

    /// <summary>The adapter as the server composes it, towards an address where nothing listens, with the intents recorded.</summary>
    private static ServiceProvider Unreachable(RecordingIntents intents, bool captureOn = true)
        => new ServiceCollection()
            .AddLogging()
            .AddMongoPersistence(
                new MongoSettings { Uri = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=50&connectTimeoutMS=50", Database = "olorin_capture", ServerSelectionTimeoutMs = 50 },
                new MongoCapabilities("7.0.0", TransactionsSupported: false, SearchIndexesSupported: false, VectorSearchAvailable: false, AtlasSearchAvailable: false))
            .AddSingleton<IWriteIntents>(intents)
            .AddSingleton(new MongoCaptureSwitch(_ => Task.FromResult(captureOn), TimeProvider.System, TimeSpan.FromHours(1)))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
}
