namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>Asks the server what it is: <c>buildInfo</c>, <c>hello</c>, and whether search indexes can be listed.</summary>
public static class MongoCapabilityProbe
{
    public static async Task<string> ServerVersionAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        var buildInfo = await Admin(client).RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1), cancellationToken: cancellationToken);
        return buildInfo.GetValue("version", "unknown").AsString;
    }

    /// <summary>
    /// True for a replica-set member (<c>setName</c>) or a mongos (<c>msg: "isdbgrid"</c>)
    /// (https://www.mongodb.com/docs/manual/reference/command/hello/#output): multi-document transactions need a
    /// replica set or a sharded cluster, never a standalone (https://www.mongodb.com/docs/manual/core/transactions/).
    /// </summary>
    public static async Task<bool> TransactionsSupportedAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        var hello = await Admin(client).RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
        return hello.Contains("setName") || hello.GetValue("msg", "").ToString() == "isdbgrid";
    }

    /// <summary>
    /// Listing a collection's search indexes succeeds only where search indexes exist (Atlas, Atlas local, or a
    /// server with mongot); elsewhere <c>$listSearchIndexes</c> answers with a command error
    /// (https://www.mongodb.com/docs/manual/reference/operator/aggregation/listSearchIndexes/). The collection should exist.
    /// </summary>
    public static async Task<bool> SearchIndexesSupportedAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
    {
        try
        {
            using var cursor = await collection.SearchIndexes.ListAsync(cancellationToken: cancellationToken);
            await cursor.ToListAsync(cancellationToken);
            return true;
        }
        catch (MongoCommandException)
        {
            return false;
        }
    }

    public static async Task<TimeSpan> PingAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Admin(client).RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    private static IMongoDatabase Admin(IMongoClient client) => client.GetDatabase("admin");
}
