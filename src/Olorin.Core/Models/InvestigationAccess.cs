namespace Olorin.Core.Models;

/// <summary>One read of an investigation, to be recorded as its <c>last_accessed</c>.</summary>
public readonly record struct InvestigationAccess(string TenantId, string InvestigationId, DateTime AccessedAt);
