namespace Olorin.Persistence.Mongo.Settings;

/// <summary>
/// A client made on first use, with the <c>mongodb+srv</c> lookup done asynchronously under the caller's deadline
/// (<see cref="MongoClientFactory.CreateClientSettingsAsync"/>). For the probes that keep watching MongoDB after
/// start-up fell back to PostgreSQL: building a client eagerly there would repeat the blocking DNS lookup that may
/// just have failed, and crash start-up with it. A failed attempt is retried on the next use.
/// </summary>
public sealed class MongoClientSource
{
    private readonly MongoSettings _settings;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IMongoClient? _client;

    public MongoClientSource(MongoSettings settings) => _settings = settings;

    public MongoClientSource(MongoSettings settings, IMongoClient client) : this(settings) => _client = client;

    /// <summary>The client once made, else null (no attempt is made here).</summary>
    public IMongoClient? Existing => Volatile.Read(ref _client);

    public async Task<IMongoClient> GetAsync(CancellationToken cancellationToken)
    {
        if (Existing is { } made) return made;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _client ??= MongoClientFactory.CreateClient(await MongoClientFactory.CreateClientSettingsAsync(_settings, cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }
}
