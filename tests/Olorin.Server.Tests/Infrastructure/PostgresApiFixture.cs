using Microsoft.Extensions.DependencyInjection;
using Olorin.Testing;

namespace Olorin.Server.Tests.Infrastructure;

/// <summary>One real PostgreSQL database per test class, migrated by the server at start-up; tests isolate by tenant.</summary>
public class PostgresApiFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private OlorinApiFactory? _factory;

    public OlorinApiFactory Factory => _factory ?? throw new InvalidOperationException("Fixture not initialised.");
    public PostgresTestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var settings = OlorinApiFactory.SettingsFor(_database.ConnectionString);
        Configure(settings);
        _factory = new OlorinApiFactory(settings, ConfigureServices);
        _ = _factory.Server; // start now: runs the migrations
    }

    /// <summary>Settings a derived fixture adds to the server's.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings) { }

    /// <summary>Services a derived fixture replaces after the server's registrations.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
