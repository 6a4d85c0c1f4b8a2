using System.Linq.Expressions;
using MongoDB.Driver;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Filters and sort of the bulk-transfer half of the single-key repositories. These are the only queries that span
/// tenants (export and migration move every tenant's documents); the business keys are globally unique ids.
/// BSON compares strings by their UTF-8 bytes, which is the ordinal order the port asks for.
/// </summary>
public static class KeyFilters
{
    /// <summary>Documents whose key is strictly after <paramref name="after"/> (every document when null).</summary>
    public static FilterDefinition<T> After<T>(Expression<Func<T, string>> key, string? after)
        => after is null ? Builders<T>.Filter.Empty : Builders<T>.Filter.Gt(key, after);

    public static SortDefinition<T> Ascending<T>(Expression<Func<T, string>> key) => Builders<T>.Sort.Ascending(new ExpressionFieldDefinition<T>(key));

    public static FilterDefinition<T> Is<T>(Expression<Func<T, string>> key, string value) => Builders<T>.Filter.Eq(key, value);

    public static FilterDefinition<T> In<T>(Expression<Func<T, string>> key, IEnumerable<string> values) => Builders<T>.Filter.In(key, values);
}
