using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Migration;

/// <summary>The read side of a phased migration: shadow-read sampling and how fresh the last verification must be.</summary>
public sealed class MigrationGateOptions
{
    public const int MaxVerifyAgeMinutes = 10_080;

    /// <summary>
    /// The share (0–1) of by-id reads that are read again from both stores in the background and compared in the
    /// canonical form. Only meaningful in the phases with a secondary (<c>dual</c>, <c>mongo_primary</c>).
    /// </summary>
    [ConfigurationKeyName("SHADOW_READ_SAMPLE_RATE")]
    public double ShadowReadSampleRate { get; set; }

    /// <summary>How old (minutes) the last clean <c>verify-migration</c> may be for <c>safe_to_advance</c>.</summary>
    [ConfigurationKeyName("VERIFY_MAX_AGE_MINUTES")]
    public int VerifyMaxAgeMinutes { get; set; } = 60;
}
