namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// <see cref="IMigrationStateStore"/> in collection <c>olorin_migration_state</c> of the target database
/// (<c>{_id: name, state: "&lt;json&gt;", updated_at}</c>): the operator tools' checkpoints live on the target, so a
/// rerun from another machine resumes.
/// </summary>
internal sealed class MongoMigrationStateStore(MongoContext context) : IMigrationStateStore
{
    public const string CollectionName = "olorin_migration_state";

    private IMongoCollection<BsonDocument> Collection => context.Database.GetCollection<BsonDocument>(CollectionName);

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await Collection.Find(Builders<BsonDocument>.Filter.Eq("_id", name)).FirstOrDefaultAsync(cancellationToken);
        return found?["state"].AsString;
    }

    /// <summary>
    /// Replace-or-insert by <c>_id</c> (a unique index on every collection): equality on exactly that key, the form whose
    /// duplicate-key race the server retries and <see cref="MongoErrors.RetryUpsertOnDuplicateKeyAsync{T}"/> covers.
    /// A state is one document, far below the 16 MB BSON limit (https://www.mongodb.com/docs/manual/reference/limits/#mongodb-limit-BSON-Document-Size):
    /// a checkpoint holds cursors and counts, not documents.
    /// </summary>
    public Task PutAsync(string name, string json, CancellationToken cancellationToken = default)
        => MongoErrors.RetryUpsertOnDuplicateKeyAsync(() => Collection.ReplaceOneAsync(
            Builders<BsonDocument>.Filter.Eq("_id", name),
            new BsonDocument { ["_id"] = name, ["state"] = json, ["updated_at"] = DateTime.UtcNow },
            new ReplaceOptions { IsUpsert = true }, cancellationToken));

    /// <summary>Every state whose name starts with <paramref name="prefix"/> (<see cref="MigrationStateFilters.ByNamePrefix"/>), in one find.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var found in await Collection.Find(MigrationStateFilters.ByNamePrefix(prefix)).ToListAsync(cancellationToken))
            states[found["_id"].AsString] = found["state"].AsString;
        return states;
    }

    /// <summary>Every state whose name starts with <paramref name="prefix"/> (<see cref="MigrationStateFilters.ByNamePrefix"/>).</summary>
    public Task DeleteAsync(string prefix, CancellationToken cancellationToken = default)
        => Collection.DeleteManyAsync(MigrationStateFilters.ByNamePrefix(prefix), cancellationToken);
}
