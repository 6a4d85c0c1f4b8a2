namespace Olorin.Persistence.Postgres.Counting;

/// <summary>
/// A counted slice of a table: all of a tenant's rows (<see cref="Dimension"/> empty) or those whose
/// <see cref="Dimension"/> column holds <see cref="Value"/> (as text, e.g. a wire enum value).
/// </summary>
internal sealed record RowCountKey(string TableName, string TenantId, string Dimension = "", string Value = "")
{
    /// <summary>The tenant's whole table, or the one counted dimension the filter names; null when it names others (then count).</summary>
    public static RowCountKey? ForFilter(string table, string tenantId, IReadOnlyList<(string Dimension, string? Value)> filters)
    {
        var given = filters.Where(f => f.Value is not null).ToList();
        return given.Count switch
        {
            0 => new RowCountKey(table, tenantId),
            1 => new RowCountKey(table, tenantId, given[0].Dimension, given[0].Value!),
            _ => null,
        };
    }
}

internal static class RowCounts
{
    /// <summary>The exact number of rows in <paramref name="key"/>'s slice: the sum of its slots, one primary-key range read.</summary>
    public static Task<long> ReadAsync(OlorinDbContext db, RowCountKey key, CancellationToken cancellationToken)
        => Read(db, key.TableName, key.TenantId, key.Dimension, key.Value, cancellationToken);

    private static readonly Func<OlorinDbContext, string, string, string, string, CancellationToken, Task<long>> Read =
        EF.CompileAsyncQuery((OlorinDbContext db, string table, string tenantId, string dimension, string value, CancellationToken _) =>
            db.Set<RowCount>()
                .Where(c => c.TableName == table && c.TenantId == tenantId && c.Dimension == dimension && c.Value == value)
                .Sum(c => c.N));
}
