using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Host;

/// <summary>
/// The real process: a bad setting ends start-up with exit code 1 and one fatal line naming it, no stack trace.
/// (A process, not WebApplicationFactory: when start-up fails fast, the factory can race the host's own disposal and
/// report an ObjectDisposedException instead of the failure.)
/// </summary>
public sealed class StartupFailureProcessTests
{
    [Theory]
    [InlineData("ENABLE_MONGODB", "maybe")]       // wrong type, read while composing the host
    [InlineData("ENABLE_MONGODB", "perhaps")]
    [InlineData("FAIL_ON_MONGODB_ERROR", "2")]
    [InlineData("QUERY_CACHE_TTL", "abc")]        // wrong type, read when the host starts
    [InlineData("QUERY_CACHE_TTL", "0")]          // rule violation, checked when the host starts
    [InlineData("QUERY_CACHE_TTL", "-5")]
    [InlineData("ENABLE_QUERY_CACHE", "yes please")]
    [InlineData("EMBEDDING_DIMENSION", "768")]
    [InlineData("EMBEDDING_BATCH_SIZE", "0")]
    [InlineData("EMBEDDING_MODEL_NAME", " ")]
    [InlineData("DEFAULT_TENANT_ID", "")]
    [InlineData("ENABLE_TENANT_ISOLATION", "maybe")]
    [InlineData("DATABASE_URL", "mysql://olorin:secret-pw@127.0.0.1/olorin")]
    [InlineData("DATABASE_URL", "postgresql://olorin:secret-pw@127.0.0.1:5432/olorin?no_such_option=1")]
    [InlineData("Database:MigrateOnStartup", "sometimes")]
    [InlineData("PGVECTOR_EF_SEARCH", "0")]
    [InlineData("PGVECTOR_EF_SEARCH", "lots")]
    [InlineData("PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES", "-1")]
    [InlineData("CORS_ALLOWED_ORIGINS", "https://olorin.example.com/app")]
    [InlineData("RATE_LIMIT_MAX_REQUESTS", "0")]
    [InlineData("RATE_LIMIT_WINDOW_SECONDS", "a minute")]
    [InlineData("POLLING_NORMAL_INTERVAL_MS", "1000")]    // below POLLING_FAST_INTERVAL_MS (2000)
    [InlineData("SSE_MAX_DURATION_SECONDS", "0")]
    [InlineData("SSE_HEARTBEAT_INTERVAL_SECONDS", "-1")]
    public async Task A_bad_setting_exits_1_with_one_line_naming_it(string variable, string value)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        settings[variable] = value;

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        AssertOneFatalLineNaming(exit, variable);
        Assert.DoesNotContain("secret-pw", exit.Output);
    }

    [Fact]
    public async Task Without_any_database_configured_start_up_says_how_to_configure_one()
    {
        var settings = OlorinApiFactory.SettingsFor("", migrate: false);

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        AssertOneFatalLineNaming(exit, "DATABASE_URL");
    }

    private static void AssertOneFatalLineNaming(ServerProcess.Exit exit, string variable)
    {
        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains(variable, fatal);
        Assert.DoesNotContain("   at ", exit.Output);
    }
}
