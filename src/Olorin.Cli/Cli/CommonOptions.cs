using System.CommandLine;

namespace Olorin.Cli.Cli;

/// <summary>The options several commands share, spelled once.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Write one JSON document with the results to stdout (human text goes to stderr).",
    };

    public static Option<string?> From() => new("--from")
    {
        Description = "Source database: postgresql://user:password@host:port/db or mongodb(+srv)://…/db. Default: DATABASE_URL (PostgreSQL).",
    };

    public static Option<string?> To() => new("--to")
    {
        Description = "Target database: postgresql://… or mongodb(+srv)://…. Default: MONGODB_URI and MONGODB_DATABASE.",
    };

    public static Option<string?> Collections() => new("--collections")
    {
        Description = "Only these collections, comma-separated (default: all ten): " + string.Join(", ", Olorin.Migration.Collections.MigrationCollections.Names) + ".",
    };

    public static Option<bool> Portable() => new("--portable")
    {
        Description = "Between two PostgreSQL databases of the same schema, go through the models and the canonical form as PostgreSQL ↔ MongoDB always does, instead of the PostgreSQL-only raw path (binary COPY / server-side digests).",
    };

    /// <param name="verb">What happens to each collection ("copied", "verified").</param>
    public static Option<int> Parallel(string verb) => new("--parallel")
    {
        Description = $"How many collections are {verb} at once, each over its own connections (1 to 10).",
        DefaultValueFactory = _ => 2,
    };
}
