namespace Olorin.Persistence.Mongo.Health;

/// <summary>
/// "MongoDB cannot be reached right now": no server selectable (<see cref="TimeoutException"/>), a connection that
/// failed or dropped, a pool paused after such failures or saturated, or a primary stepping down. Anywhere in the
/// exception chain. Also a full-text search whose <c>$text</c> fallback finds no text index (IndexNotFound, 27:
/// "text index required for $text query", https://www.mongodb.com/docs/manual/reference/operator/query/text/ — "To
/// use $text … the collection must have a text index"): that happens only between a switch away from Atlas Search and
/// the next bootstrap, which builds the index again (see MongoBootstrapper.EnsureAsync), so it is temporary.
/// </summary>
public sealed class MongoFailureClassifier : IPersistenceFailureClassifier
{
    private const int IndexNotFound = 27;

    public string Backend => MongoPersistence.BackendName;

    public bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is MongoConnectionException or TimeoutException or MongoNotPrimaryException or MongoNodeIsRecoveringException
                or MongoConnectionPoolPausedException or MongoWaitQueueFullException)
                return true;
            if (e is MongoCommandException { Code: IndexNotFound } command
                && command.ErrorMessage.Contains("text index required", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
