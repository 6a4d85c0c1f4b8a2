using System.Linq.Expressions;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The <see cref="IBulkTransferPort{TDocument,TKey}"/> half of a repository keyed by (tenant_id, id) in one ordinary
/// collection, written once: the repository names its collection and two key fields and inherits key, export, count
/// and upsert (<see cref="MongoBulkTransfer"/>). Time series (runs, audit log, scores) keep their own. Every write of
/// the repository goes through <see cref="Capture"/> (<see cref="CapturedWrites"/>), the upsert included.
/// </summary>
internal abstract class MongoTenantTransfer<T>(
    IMongoCollection<T> collection, CapturedWrites capture, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id)
    : IBulkTransferPort<T, TenantKey>
{
    private readonly Func<T, TenantKey> keyOf = MongoBulkTransfer.KeyOf(tenant, id);

    /// <summary>The collection the repository serves from.</summary>
    protected IMongoCollection<T> Collection { get; } = collection;

    /// <summary>The capture seam every write of the repository goes through.</summary>
    protected CapturedWrites Capture { get; } = capture;

    public TenantKey KeyOf(T document) => keyOf(document);

    public IAsyncEnumerable<T> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.ExportAsync(Collection, tenant, id, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Collection, cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<T> documents, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Of(Collection.CollectionNamespace.CollectionName, documents, keyOf),
            () => MongoBulkTransfer.UpsertAsync(Collection, documents, tenant, id, cancellationToken), cancellationToken);
}
