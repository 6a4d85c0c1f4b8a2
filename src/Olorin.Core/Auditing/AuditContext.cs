namespace Olorin.Core.Auditing;

/// <summary>Who made a change and from where; recorded in the audit entry written with it.</summary>
public sealed record AuditContext(string UserId, AuditSource Source = AuditSource.Api, string? IpAddress = null, string? UserAgent = null);
