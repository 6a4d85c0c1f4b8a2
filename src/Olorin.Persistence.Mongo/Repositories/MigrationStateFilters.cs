using MongoDB.Bson;
using MongoDB.Driver;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The filter of <see cref="MongoMigrationStateStore"/>'s prefix reads and deletes.</summary>
public static class MigrationStateFilters
{
    /// <summary>
    /// States whose name starts with <paramref name="prefix"/>: an anchored, case-sensitive regular expression (the
    /// prefix escaped), which the <c>_id</c> index serves as a range ("a prefix expression … can use an index",
    /// https://www.mongodb.com/docs/manual/reference/operator/query/regex/#index-use).
    /// </summary>
    public static FilterDefinition<BsonDocument> ByNamePrefix(string prefix)
        => Builders<BsonDocument>.Filter.Regex("_id", new BsonRegularExpression("^" + System.Text.RegularExpressions.Regex.Escape(prefix)));
}
