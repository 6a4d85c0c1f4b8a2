using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

/// <summary>How often a read of an investigation records <c>last_accessed</c>.</summary>
public sealed class InvestigationAccessOptions
{
    public const int MaxIntervalSeconds = 86_400;

    /// <summary>
    /// A GET writes <c>last_accessed</c> only when the stored value is older than this (or unset); 0 writes on every
    /// GET. Reads within the interval are reads only: no UPDATE, no commit. A 304 never writes.
    /// </summary>
    [ConfigurationKeyName("LAST_ACCESSED_WRITE_INTERVAL_SECONDS")]
    public int WriteIntervalSeconds { get; set; } = 60;
}
