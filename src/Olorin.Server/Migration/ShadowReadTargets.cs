using System.Reflection;
using Olorin.Core.Ports;

namespace Olorin.Server.Migration;

/// <summary>
/// The reads that are shadowed: the by-id read (<c>GetAsync(tenant_id, id…)</c>) of every port that has one, which
/// every <c>GET /{resource}/{id}</c> goes through, with the migration tools' name of its collection.
/// </summary>
public static class ShadowReadTargets
{
    /// <summary>Port → collection name (the names of <see cref="Olorin.Migration.Collections.MigrationCollections"/>).</summary>
    public static IReadOnlyDictionary<Type, string> Collections { get; } = new Dictionary<Type, string>
    {
        [typeof(IInvestigationRepository)] = "investigations",
        [typeof(ITemplateRepository)] = "templates",
        [typeof(IDetectorRepository)] = "detectors",
        [typeof(IDetectionRunRepository)] = "detection_runs",
        [typeof(IAnomalyEventRepository)] = "anomaly_events",
        [typeof(ITransactionScoreRepository)] = "transaction_scores",
        [typeof(IComposioConnectionRepository)] = "composio_connections",
        [typeof(IComposioActionAuditRepository)] = "composio_action_audits",
        [typeof(ISoarPlaybookExecutionRepository)] = "soar_playbook_executions",
    };

    /// <summary>
    /// <c>Task&lt;T?&gt; GetAsync(string tenantId, string id…, CancellationToken)</c>: the tenant first, then the parts
    /// of the business id (two for transaction scores, joined with <c>/</c> as the migration tools key them).
    /// </summary>
    public static bool IsByIdRead(MethodInfo method)
    {
        if (method.Name != "GetAsync" || !method.ReturnType.IsGenericType || method.ReturnType.GetGenericTypeDefinition() != typeof(Task<>)) return false;
        var parameters = method.GetParameters();
        return parameters.Length >= 3
               && parameters[^1].ParameterType == typeof(CancellationToken)
               && parameters[..^1].All(p => p.ParameterType == typeof(string));
    }

    /// <summary>The port's by-id read method.</summary>
    public static MethodInfo ByIdRead(Type port)
        => port.GetMethods().Single(IsByIdRead);
}
