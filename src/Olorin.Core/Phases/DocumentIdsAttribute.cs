namespace Olorin.Core.Phases;

/// <summary>
/// Marks a member of a <c>/status/migration</c> section that names documents (tenant and id). The anonymous
/// <c>/status/migration</c> leaves it out (monitoring needs the verdict and the counts); the authenticated
/// <c>/status/migration/details</c> shows it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DocumentIdsAttribute : Attribute;
