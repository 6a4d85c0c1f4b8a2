using Olorin.Core.Tenancy;
using Olorin.Server.Security;

namespace Olorin.Server.Apis.Composio;

/// <summary>What every Composio handler (connections and action audits) needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class ComposioServices(
    IComposioConnectionRepository connections,
    IComposioActionAuditRepository audits,
    ComposioTokenProtector tokens,
    RequestIdentity identity,
    TimeProvider clock,
    HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    public IComposioConnectionRepository Connections { get; } = connections;
    public IComposioActionAuditRepository Audits { get; } = audits;

    /// <summary>Encrypts tokens before they reach the repository (Decision 7).</summary>
    public ComposioTokenProtector Tokens { get; } = tokens;
}
