using MongoDB.Driver;
using Olorin.Migration.Seeding;

namespace Olorin.Migration.Tests;

/// <summary>
/// The MongoDB legs of the migration, with the CLI as a real process: PostgreSQL → MongoDB and back MongoDB →
/// PostgreSQL, each followed by verify-migration exit 0, and verify-setup against the real server. They run when
/// <c>OLORIN_TEST_MONGODB_URI</c> names a server (as the persistence contract suites) and are reported skipped with
/// the reason otherwise; everything about MongoDB that needs no server is tested in <see cref="VerifySetupTests"/>,
/// <see cref="CanonicalFormTests"/> and <see cref="PreflightRulesTests"/>.
/// </summary>
public sealed class MongoLegsTests
{
    private const string NoServer =
        "MongoDB migration legs skipped: no MongoDB server configured (set OLORIN_TEST_MONGODB_URI to run PG → Mongo, Mongo → PG and verify-setup against it)";

    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(5);

    /// <summary>The server's URL with a database of its own for this test, which is dropped afterwards.</summary>
    private sealed class MongoDatabase : IDisposable
    {
        private readonly MongoUrl url;

        private MongoDatabase(string serverUri)
        {
            url = new MongoUrlBuilder(serverUri) { DatabaseName = $"olorin_mig_{Guid.NewGuid():N}"[..27] }.ToMongoUrl();
        }

        public string Url => url.ToString();

        public static MongoDatabase Create()
        {
            var uri = Environment.GetEnvironmentVariable("OLORIN_TEST_MONGODB_URI");
            if (string.IsNullOrEmpty(uri)) Assert.Skip(NoServer);
            return new MongoDatabase(uri);
        }

        public void Dispose()
        {
            using var client = new MongoClient(url);
            client.DropDatabase(url.DatabaseName);
        }
    }

    [Fact]
    public async Task Postgres_to_mongodb_and_back_each_verify_equal()
    {
        using var mongo = MongoDatabase.Create();
        await using var source = await PostgresEndpoint.CreateAsync();
        var dataset = new SyntheticDataset("tenant-mongo-legs", 300);
        await dataset.WriteAsync(source.Services, cancellationToken: TestContext.Current.CancellationToken);

        var toMongo = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Url, "--to", mongo.Url, "--json");
        Assert.True(toMongo.ExitCode == 0, toMongo.ToString());
        Assert.Equal(dataset.ExpectedDocuments, toMongo.Json.GetProperty("totals").GetProperty("copied").GetInt64());
        var verifyMongo = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Url, "--to", mongo.Url, "--json");
        Assert.True(verifyMongo.ExitCode == 0, verifyMongo.ToString());

        await using var back = await PostgresEndpoint.CreateAsync(migrate: false);
        var toPostgres = await CliProcess.RunAsync(Budget, "migrate", "--from", mongo.Url, "--to", back.Url, "--json");
        Assert.True(toPostgres.ExitCode == 0, toPostgres.ToString());
        Assert.Equal(dataset.ExpectedDocuments, toPostgres.Json.GetProperty("totals").GetProperty("copied").GetInt64());
        var verifyBack = await CliProcess.RunAsync(Budget, "verify-migration", "--from", mongo.Url, "--to", back.Url, "--json");
        Assert.True(verifyBack.ExitCode == 0, verifyBack.ToString());
        // The round trip ends where it started: the rolled-back database equals the original.
        var roundTrip = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Url, "--to", back.Url, "--json");
        Assert.True(roundTrip.ExitCode == 0, roundTrip.ToString());
    }

    [Fact]
    public async Task Verify_setup_against_a_bootstrapped_server_passes_the_checks_a_plain_server_can_pass()
    {
        using var mongo = MongoDatabase.Create();
        await using var source = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-mongo-setup", 20).WriteAsync(source.Services, cancellationToken: TestContext.Current.CancellationToken);
        var migrate = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Url, "--to", mongo.Url, "--json");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        var setup = await CliProcess.RunAsync(Budget, "verify-setup", "--target", mongo.Url, "--json");
        var checks = setup.Json.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("passed").GetBoolean());
        Assert.Equal(7, checks.Count);
        foreach (var name in new[] { "Connection", "Collections", "Indexes", "Time Series", "Permissions", "Performance" })
            Assert.True(checks[name], $"{name} failed: {setup}");
        // Vector search needs Atlas (or the Atlas Local image); on a plain server the check fails and says so.
        Assert.Equal(checks["Vector Search"] ? 0 : 1, setup.ExitCode);
    }
}
