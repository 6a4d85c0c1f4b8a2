using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis.Investigations;

/// <summary>What every investigation handler needs, injected with <c>[AsParameters]</c>.</summary>
public sealed class InvestigationServices(
    IInvestigationRepository investigations,
    IAuditLogRepository auditLog,
    RequestIdentity identity,
    TimeProvider clock,
    IHttpContextAccessor httpContextAccessor)
{
    public IInvestigationRepository Investigations { get; } = investigations;
    public IAuditLogRepository AuditLog { get; } = auditLog;
    public RequestIdentity Identity { get; } = identity;
    public TimeProvider Clock { get; } = clock;

    /// <summary>Who is writing and from where, for the audit entry the repository writes with the change.</summary>
    public AuditContext Audit()
    {
        var request = httpContextAccessor.HttpContext?.Request;
        return new AuditContext(
            Identity.UserId,
            AuditSource.Api,
            request?.HttpContext.Connection.RemoteIpAddress?.ToString(),
            request?.Headers.UserAgent is { Count: > 0 } agent ? agent.ToString() : null);
    }
}
