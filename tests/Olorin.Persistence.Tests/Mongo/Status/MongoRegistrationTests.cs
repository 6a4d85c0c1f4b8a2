using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;
using Olorin.Core.Errors;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>What <see cref="MongoPersistence.AddMongoPersistence"/> registers resolves, and the health check runs through DI.</summary>
public sealed class MongoRegistrationTests
{
    private static readonly MongoCapabilities Community = new("8.0.0", TransactionsSupported: false, SearchIndexesSupported: false,
        VectorSearchAvailable: false, AtlasSearchAvailable: false);

    [Fact]
    public async Task The_backend_services_resolve_and_the_health_check_reports_the_unreachable_server()
    {
        var services = new ServiceCollection().AddLogging().AddMongoPersistence(UnreachableServer.Settings, Community);
        services.AddHealthChecks().AddMongoHealthCheck();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        Assert.Same(provider.GetRequiredService<IMongoClient>(), provider.GetRequiredService<MongoContext>().Client);
        Assert.Equal("olorin_unreachable", provider.GetRequiredService<MongoContext>().Database.DatabaseNamespace.DatabaseName);
        Assert.Same(Community, provider.GetRequiredService<MongoCapabilities>());
        Assert.IsType<MongoFailureClassifier>(provider.GetRequiredService<IPersistenceFailureClassifier>());
        Assert.NotNull(provider.GetRequiredService<MongoStatusReporter>());
        Assert.NotNull(provider.GetRequiredService<TimeProvider>());

        var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = Assert.Single(health.Entries);
        Assert.Equal(MongoPersistence.HealthCheckName, entry.Key);
        Assert.Equal(HealthStatus.Unhealthy, entry.Value.Status);
        UnreachableServer.AssertNoPassword(entry.Value.Description);
    }
}
