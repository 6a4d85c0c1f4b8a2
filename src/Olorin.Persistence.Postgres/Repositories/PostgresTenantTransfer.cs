using System.Linq.Expressions;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The <see cref="IBulkTransferPort{TDocument,TKey}"/> half of a repository keyed by (tenant_id, id), written once:
/// the repository names its two key columns and inherits key, export, count and upsert (<see cref="PostgresBulkTransfer"/>).
/// Repositories with another key (audit log, transaction scores) or another bulk path keep their own.
/// </summary>
public abstract class PostgresTenantTransfer<T>(OlorinDbContext db, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id)
    : IBulkTransferPort<T, TenantKey> where T : class
{
    private readonly Func<T, TenantKey> keyOf = PostgresBulkTransfer.KeyOf(tenant, id);

    /// <summary>The context the repository serves from (one per scope).</summary>
    protected OlorinDbContext Db { get; } = db;

    public TenantKey KeyOf(T document) => keyOf(document);

    public IAsyncEnumerable<T> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(Db, tenant, id, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => Db.Set<T>().LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<T> documents, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.UpsertAsync(Db, documents, tenant, id, cancellationToken);
}
