namespace Olorin.Persistence.Postgres.Repositories;

internal static class PostgresInsert
{
    /// <summary>
    /// Saves the entities added to <paramref name="db"/> (one transaction) and returns <paramref name="created"/>;
    /// a unique violation becomes <c>Duplicate(<paramref name="duplicateKey"/>)</c>. The change tracker is left empty.
    /// </summary>
    public static async Task<Outcome<T>> SaveInsertAsync<T>(this OlorinDbContext db, T created, string duplicateKey, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Outcome.Ok(created);
        }
        catch (DbUpdateException e) when (PostgresErrors.IsUniqueViolation(e, out _))
        {
            return Outcome.Duplicate<T>(duplicateKey);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
