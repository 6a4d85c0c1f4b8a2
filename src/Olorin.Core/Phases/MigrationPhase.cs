namespace Olorin.Core.Phases;

/// <summary>
/// The runbook's four migration phases (<c>MIGRATION_PHASE</c>). Which store decides a write (the primary) and which
/// one receives the captured changes (the secondary) follow from the phase; see <see cref="MigrationTopology"/>.
/// </summary>
public enum MigrationPhase
{
    /// <summary>PostgreSQL only (<c>postgres</c>).</summary>
    Postgres,

    /// <summary>PostgreSQL primary, changes relayed to MongoDB (<c>dual</c>).</summary>
    Dual,

    /// <summary>MongoDB primary, changes written back to PostgreSQL (<c>mongo_primary</c>).</summary>
    MongoPrimary,

    /// <summary>MongoDB only (<c>mongo</c>).</summary>
    Mongo,
}

public static class MigrationPhases
{
    /// <summary>The wire and setting names, in phase order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["postgres", "dual", "mongo_primary", "mongo"];

    public static string WireName(this MigrationPhase phase) => Names[(int)phase];

    /// <summary>Parses a setting value (case-insensitive, surrounding blanks ignored); false for anything else.</summary>
    public static bool TryParse(string? value, out MigrationPhase phase)
    {
        var index = Names.ToList().FindIndex(n => string.Equals(n, value?.Trim(), StringComparison.OrdinalIgnoreCase));
        phase = index < 0 ? default : (MigrationPhase)index;
        return index >= 0;
    }

    /// <summary>True in the two phases where a second store receives every change of the primary.</summary>
    public static bool HasSecondary(this MigrationPhase phase) => phase is MigrationPhase.Dual or MigrationPhase.MongoPrimary;
}
