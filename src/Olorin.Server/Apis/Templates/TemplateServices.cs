using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis.Templates;

/// <summary>What every template handler needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class TemplateServices(ITemplateRepository templates, RequestIdentity identity, TimeProvider clock, HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    public ITemplateRepository Templates { get; } = templates;
}
