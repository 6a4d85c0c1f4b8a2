using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis.Soar;

/// <summary>What every SOAR execution handler needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class SoarExecutionServices(
    ISoarPlaybookExecutionRepository executions,
    IInvestigationRepository investigations,
    IAnomalyEventRepository anomalies,
    RequestIdentity identity,
    TimeProvider clock,
    HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    public ISoarPlaybookExecutionRepository Executions { get; } = executions;
    public IInvestigationRepository Investigations { get; } = investigations;
    public IAnomalyEventRepository Anomalies { get; } = anomalies;
}
