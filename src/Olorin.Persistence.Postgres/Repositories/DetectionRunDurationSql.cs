using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Nearest-rank duration percentiles (<c>percentile_disc</c>) and the mean of a tenant's detection runs, which LINQ
/// cannot express. Aggregates skip runs without a duration, so every value is null when none has one.
/// </summary>
internal static class DetectionRunDurationSql
{
    public static async Task<DurationStatistics> QueryAsync(
        OlorinDbContext db, string tenantId, DetectionRunQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("""
            SELECT percentile_disc(0.50) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
                   percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99,
                   avg(duration_ms)::double precision AS avg
            FROM detection_runs
            WHERE tenant_id = @tenant_id
            """);
        var parameters = new List<NpgsqlParameter> { Text("tenant_id", tenantId) };
        if (query.DetectorId is { } detectorId)
        {
            sql.Append(" AND detector_id = @detector_id");
            parameters.Add(Text("detector_id", detectorId));
        }
        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            parameters.Add(Text("status", WireEnum.ToWire(status)));
        }
        if (query.From is { } from)
        {
            sql.Append(" AND started_at >= @from");
            parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = UtcTime.Normalize(from) });
        }
        if (query.To is { } to)
        {
            sql.Append(" AND started_at < @to");
            parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = UtcTime.Normalize(to) });
        }

        return await db.Database.SqlQueryRaw<DurationStatistics>(sql.ToString(), [.. parameters]).SingleAsync(cancellationToken);
    }

    private static NpgsqlParameter Text(string name, string value) => new(name, NpgsqlDbType.Varchar) { Value = value };
}

internal sealed class DurationStatistics
{
    public long? P50 { get; init; }
    public long? P95 { get; init; }
    public long? P99 { get; init; }
    public double? Avg { get; init; }
}
