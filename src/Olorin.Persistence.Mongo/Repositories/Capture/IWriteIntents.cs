using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Outbox;

namespace Olorin.Persistence.Mongo.Repositories.Capture;

/// <summary>
/// The two calls a captured write makes on MongoDB's outbox (<see cref="MongoChangeOutbox.BeginAsync"/> before,
/// <see cref="MongoChangeOutbox.EndAsync"/> after), as an interface so that <see cref="CapturedWrites"/> can be tested
/// with a recording double.
/// </summary>
public interface IWriteIntents
{
    Task BeginAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken);

    Task EndAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken);
}

/// <summary><see cref="IWriteIntents"/> on <see cref="MongoChangeOutbox"/>.</summary>
public sealed class MongoWriteIntents(MongoChangeOutbox outbox) : IWriteIntents
{
    public Task BeginAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken) => outbox.BeginAsync(keys, cancellationToken);

    public Task EndAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken) => outbox.EndAsync(keys, cancellationToken);
}
