using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>A fresh, empty database on the test server for one integration test; skips the test without a server.</summary>
internal sealed class RealServerDatabase : IAsyncDisposable
{
    private RealServerDatabase(MongoSettings settings) => Settings = settings;

    public MongoSettings Settings { get; }

    public static async Task<RealServerDatabase> CreateAsync(Func<MongoSettings, MongoSettings>? adjust = null)
    {
        var server = await MongoBackendFixture.ServerAsync();
        if (server.SkipReason is { } reason) Assert.Skip(reason);
        var settings = await MongoBackendFixture.NewDatabaseSettingsAsync();
        return new RealServerDatabase(adjust is null ? settings : adjust(settings));
    }

    public ValueTask DisposeAsync() => MongoBackendFixture.DropAsync(Settings);
}
