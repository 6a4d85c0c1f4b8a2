using System.Net.Sockets;
using Npgsql;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>Classifies PostgreSQL failures: unique violations become outcomes, lost connectivity becomes 503.</summary>
internal static class PostgresErrors
{
    public const string UniqueViolation = "23505";

    public static bool IsUniqueViolation(Exception exception, out string? constraint)
    {
        var pg = exception as PostgresException ?? exception.InnerException as PostgresException;
        constraint = pg?.ConstraintName;
        return pg?.SqlState == UniqueViolation;
    }

    /// <summary>True for errors that mean "the database cannot be reached right now".</summary>
    public static bool IsConnectivity(Exception exception) => exception switch
    {
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" or "08000" or "08003" or "08006" } => true,
        PostgresException => false,
        NpgsqlException => true, // every non-server Npgsql error is a connection/IO/timeout failure
        TimeoutException or SocketException or IOException => true,
        _ when exception.InnerException is { } inner => IsConnectivity(inner),
        _ => false,
    };
}

internal sealed class PostgresFailureClassifier : IPersistenceFailureClassifier
{
    public string Backend => PostgresPersistence.BackendName;

    public bool IsUnavailable(Exception exception) => PostgresErrors.IsConnectivity(exception);
}
