using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Ports;

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

    public Task PutAsync(string name, string json, CancellationToken cancellationToken = default)
        => Collection.ReplaceOneAsync(
            Builders<BsonDocument>.Filter.Eq("_id", name),
            new BsonDocument { ["_id"] = name, ["state"] = json, ["updated_at"] = DateTime.UtcNow },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public Task DeleteAsync(string prefix, CancellationToken cancellationToken = default)
        => Collection.DeleteManyAsync(
            Builders<BsonDocument>.Filter.Regex("_id", new BsonRegularExpression("^" + System.Text.RegularExpressions.Regex.Escape(prefix))),
            cancellationToken);
}
