using MongoDB.Driver;
using Olorin.Core.Errors;

namespace Olorin.Persistence.Mongo.Health;

/// <summary>
/// "MongoDB cannot be reached right now": no server selectable (<see cref="TimeoutException"/>), a connection that
/// failed or dropped, a pool paused after such failures or saturated, or a primary stepping down. Anywhere in the
/// exception chain.
/// </summary>
public sealed class MongoFailureClassifier : IPersistenceFailureClassifier
{
    public string Backend => MongoPersistence.BackendName;

    public bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is MongoConnectionException or TimeoutException or MongoNotPrimaryException or MongoNodeIsRecoveringException
                or MongoConnectionPoolPausedException or MongoWaitQueueFullException)
                return true;
        }
        return false;
    }
}
