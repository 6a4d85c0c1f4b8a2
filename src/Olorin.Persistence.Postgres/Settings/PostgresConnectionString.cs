using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Olorin.Persistence.Postgres.Settings;

/// <summary>
/// Turns the configured PostgreSQL location (a <c>postgresql://user:pass@host:port/db</c> URI in <c>DATABASE_URL</c>,
/// else the Npgsql string in <c>ConnectionStrings:Postgres</c>) into an Npgsql connection string that fails fast.
/// Shared by the server and the operator CLI, so both read the same settings the same way.
/// </summary>
public static class PostgresConnectionString
{
    public const string UrlVariable = "DATABASE_URL";
    public const string ConnectionStringName = "Postgres";

    /// <summary>Seconds to wait for a connection, so that a dead database answers 503 quickly instead of hanging.</summary>
    public const int DefaultConnectTimeoutSeconds = 5;
    public const int DefaultCommandTimeoutSeconds = 30;

    /// <summary>
    /// The main pool's size when the setting does not give one (Npgsql's own default is 100). A burst that finds every
    /// pooled connection busy makes the pool open more, and a new PostgreSQL connection is expensive (a forked backend,
    /// SCRAM authentication, cold caches: 43 ms each at 4 at a time on the 2-core machines this serves from,
    /// `pgbench -C`), so at a quarter of capacity the burst at the start of a load grew the pool from 20 to 52-68
    /// connections and turned itself into a 0.3-1-s stall of every write; 16 kept every window's slowest write under
    /// 75 ms, and the load benchmark's rows at 32 connections still met every target (docs/performance.md,
    /// "Session 13"). Size it up explicitly for a PostgreSQL with more cores.
    /// </summary>
    public const int DefaultMaxPoolSize = 16;

    /// <exception cref="OptionsValidationException">The value is unusable; the message names the variable.</exception>
    public static string Resolve(IConfiguration configuration)
    {
        if (configuration[UrlVariable] is { Length: > 0 } url)
            return WithDefaults(Parse(url, UrlVariable, FromUri), UrlVariable);
        if (configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connectionString)
            return WithDefaults(connectionString, $"ConnectionStrings:{ConnectionStringName}");
        throw Invalid(UrlVariable, $"No PostgreSQL database configured: set {UrlVariable} (postgresql://user:password@host:port/database) or ConnectionStrings:{ConnectionStringName}.");
    }

    /// <summary>
    /// Resolves one setting that may hold either form (a <c>postgresql://</c> URI or an Npgsql connection string),
    /// such as <c>SECONDARY_DATABASE_URL</c>; an unusable value throws naming <paramref name="variable"/>.
    /// </summary>
    public static string ResolveValue(string value, string variable)
        => value.Contains("://", StringComparison.Ordinal)
            ? WithDefaults(Parse(value, variable, FromUri), variable)
            : WithDefaults(value, variable);

    /// <summary>Converts a <c>postgresql://</c> (or <c>postgres://</c>) URI; query parameters become connection string keywords.</summary>
    public static string FromUri(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres"))
            throw new FormatException("expected postgresql://user:password@host:port/database");
        if (string.IsNullOrEmpty(uri.Host)) throw new FormatException("the host is missing");

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2) builder.Password = Uri.UnescapeDataString(userInfo[1]);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var value = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "";
            builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
        }
        return builder.ConnectionString;
    }

    private static string WithDefaults(string connectionString, string source)
    {
        var present = Keys(connectionString, source);
        var builder = Parse(connectionString, source, cs => new NpgsqlConnectionStringBuilder(cs));
        if (!present.Contains("timeout")) builder.Timeout = DefaultConnectTimeoutSeconds;
        if (!present.Contains("commandtimeout")) builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        // Never below a minimum the setting asks for (Npgsql refuses a maximum under the minimum).
        if (!present.Contains("maxpoolsize") && !present.Contains("maximumpoolsize")) builder.MaxPoolSize = Math.Max(DefaultMaxPoolSize, builder.MinPoolSize);
        return builder.ConnectionString;
    }

    private static HashSet<string> Keys(string connectionString, string source)
    {
        var generic = Parse(connectionString, source, cs => new DbConnectionStringBuilder { ConnectionString = cs });
        return generic.Keys.Cast<string>().Select(k => k.Replace(" ", "").ToLowerInvariant()).ToHashSet();
    }

    private static T Parse<T>(string value, string source, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or KeyNotFoundException)
        {
            throw Invalid(source, $"{source} is not a valid PostgreSQL connection: {ex.Message}");
        }
    }

    private static OptionsValidationException Invalid(string source, string message)
        => new(source, typeof(PostgresConnectionString), [message]);
}
