using Microsoft.Extensions.DependencyInjection;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Outbox;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.MongoPhases;

/// <summary>
/// A start after mongo_primary with MongoDB itself (no SECONDARY_DATABASE_URL): PostgreSQL carries the write-back marker,
/// and MongoDB — the only store whose outbox could drain it — is unreachable here (no server exists). postgres and
/// dual refuse with one line naming MONGODB_URI; the override starts. Each test has its own database (the marker).
/// </summary>
public sealed class MongoWriteBackStartupTests : IAsyncLifetime
{
    private const string Password = "hunter2-secret";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresTestDatabase postgres = null!;

    public async ValueTask InitializeAsync()
    {
        postgres = await PostgresTestDatabase.CreateAsync();
        await using var store = PostgresPersistence.BuildStoreProvider(postgres.ConnectionString);
        await store.MigratePostgresAsync(Ct);
        await store.GetRequiredService<WriteBackMarker>().SetAsync("a mongo_primary server", Ct);
    }

    public async ValueTask DisposeAsync() => await postgres.DisposeAsync();

    private Dictionary<string, string?> Settings(string phase, bool failOnError = false)
    {
        var settings = OlorinApiFactory.SettingsFor(postgres.ConnectionString, migrate: false);
        settings["MIGRATION_PHASE"] = phase;
        settings["FAIL_ON_MONGODB_ERROR"] = failOnError ? "true" : "false";
        settings["MONGODB_URI"] = $"mongodb://olorin:{Password}@127.0.0.1:1/";
        settings["MONGODB_SERVER_SELECTION_TIMEOUT_MS"] = "500";
        settings["MONGODB_CONNECT_TIMEOUT_MS"] = "500";
        return settings;
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("dual")]
    [InlineData("mongo_primary")] // MongoDB unusable and FAIL_ON_MONGODB_ERROR=false: PostgreSQL would serve, so the marker is checked
    public void A_start_that_would_serve_from_PostgreSQL_refuses_while_MongoDB_cannot_be_drained(string phase)
    {
        using var factory = new OlorinApiFactory(Settings(phase));

        var error = Assert.Throws<StartupAbortedException>(() => factory.Server);

        Assert.StartsWith("PostgreSQL lags writes MongoDB acknowledged", error.Message);
        Assert.Contains("cannot be drained", error.Message);
        Assert.Contains("Make MongoDB (MONGODB_URI) reachable", error.Message);
        Assert.Contains("ALLOW_UNDRAINED_WRITE_BACK=true", error.Message);
        Assert.DoesNotContain(Password, error.Message);
    }

    [Fact]
    public async Task The_override_starts_postgres_and_keeps_the_marker()
    {
        var settings = Settings("postgres");
        settings["ALLOW_UNDRAINED_WRITE_BACK"] = "true";
        await using var factory = new OlorinApiFactory(settings);

        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/status", Ct)).StatusCode);
        await using var store = PostgresPersistence.BuildStoreProvider(postgres.ConnectionString);
        Assert.NotNull(await store.GetRequiredService<WriteBackMarker>().ReadAsync(Ct));
    }
}
