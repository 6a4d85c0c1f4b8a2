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
    [InlineData("PGVECTOR_SEARCH_CONNECTIONS", "0")]
    [InlineData("PGVECTOR_WARMUP_QUERIES", "-1")]
    [InlineData("PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES", "-1")]
    [InlineData("SIMILARITY_EXACT_INDEX_MAX_MB", "-1")]
    [InlineData("SIMILARITY_EXACT_INDEX_MAX_MB", "2000000")]
    [InlineData("SIMILARITY_EXACT_INDEX_MAX_MB", "half")]
    [InlineData("CORS_ALLOWED_ORIGINS", "https://olorin.example.com/app")]
    [InlineData("RATE_LIMIT_MAX_REQUESTS", "0")]
    [InlineData("RATE_LIMIT_WINDOW_SECONDS", "a minute")]
    [InlineData("POLLING_NORMAL_INTERVAL_MS", "1000")]    // below POLLING_FAST_INTERVAL_MS (2000)
    [InlineData("SSE_MAX_DURATION_SECONDS", "0")]
    [InlineData("SSE_HEARTBEAT_INTERVAL_SECONDS", "-1")]
    [InlineData("MIGRATION_PHASE", "sideways")]
    [InlineData("SECONDARY_DATABASE_URL", "mysql://olorin:secret-pw@127.0.0.1/olorin")]
    [InlineData("ALLOW_UNDRAINED_WRITE_BACK", "maybe")]
    [InlineData("OUTBOX_RELAY_BATCH_SIZE", "0")]
    [InlineData("OUTBOX_RELAY_POLL_MS", "often")]
    [InlineData("OUTBOX_RELAY_MAX_BACKOFF_MS", "5")]
    [InlineData("OUTBOX_RELAY_REFUSED_BACKOFF_MS", "-1")]
    [InlineData("OUTBOX_RELAY_REFUSED_MAX_BACKOFF_MS", "5")]  // below OUTBOX_RELAY_REFUSED_BACKOFF_MS (1000)
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

    private const string GoodKey = "a-start-up-test-key-0123456789-abcdefghijklmnop";

    /// <summary>Authentication settings, as <c>NAME=value</c> pairs over a jwt-mode server with nothing else set.</summary>
    [Theory]
    [InlineData("JWT_SECRET_KEY", "AUTH_MODE=")]                                       // unset means jwt: a key or an authority is required
    [InlineData("JWT_SECRET_KEY", "AUTH_MODE=jwt")]
    [InlineData("JWT_AUTHORITY", "AUTH_MODE=jwt")]
    [InlineData("AUTH_MODE", "AUTH_MODE=oauth")]
    [InlineData("JWT_SECRET_KEY", "AUTH_MODE=jwt", "JWT_SECRET_KEY=short-secret-pw")]
    [InlineData("JWT_AUTHORITY", "AUTH_MODE=jwt", "JWT_AUTHORITY=not a url")]
    [InlineData("JWT_AUTHORITY", "AUTH_MODE=jwt", "JWT_AUTHORITY=http://login.example.com/realms/olorin")]
    [InlineData("JWT_REQUIRE_HTTPS_METADATA", "AUTH_MODE=jwt", "JWT_AUTHORITY=https://login.example.com", "JWT_REQUIRE_HTTPS_METADATA=maybe")]
    [InlineData("JWT_AUTHORITY", "AUTH_MODE=jwt", "JWT_AUTHORITY=https://login.example.com", "JWT_SECRET_KEY=" + GoodKey)]
    [InlineData("JWT_CLOCK_SKEW_SECONDS", "AUTH_MODE=jwt", "JWT_SECRET_KEY=" + GoodKey, "JWT_CLOCK_SKEW_SECONDS=600")]
    [InlineData("JWT_CLOCK_SKEW_SECONDS", "AUTH_MODE=jwt", "JWT_SECRET_KEY=" + GoodKey, "JWT_CLOCK_SKEW_SECONDS=-1")]
    [InlineData("JWT_TENANT_CLAIM", "AUTH_MODE=jwt", "JWT_SECRET_KEY=" + GoodKey, "JWT_TENANT_CLAIM=tenant id")]
    [InlineData("JWT_USER_CLAIM", "AUTH_MODE=jwt", "JWT_SECRET_KEY=" + GoodKey, "JWT_USER_CLAIM= ")]
    public async Task A_bad_or_missing_auth_setting_exits_1_with_one_line_naming_it(string variable, params string[] assignments)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        foreach (var name in new[] { "JWT_SECRET_KEY", "JWT_AUTHORITY", "JWT_ISSUER", "JWT_AUDIENCE" }) settings[name] = ""; // nothing inherited
        foreach (var assignment in assignments) settings[assignment[..assignment.IndexOf('=')]] = assignment[(assignment.IndexOf('=') + 1)..];

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        AssertOneFatalLineNaming(exit, variable);
        Assert.DoesNotContain("short-secret-pw", exit.Output);
        Assert.DoesNotContain(GoodKey, exit.Output);
    }

    [Theory]
    [InlineData("headers", "WRN", "AUTH_MODE=headers: requests are NOT authenticated")]
    [InlineData("jwt", "INF", "AUTH_MODE=jwt: requests need a bearer token verified with a shared HS256 key")]
    public async Task Start_up_says_once_which_auth_mode_is_on(string mode, string level, string line)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        settings["AUTH_MODE"] = mode;
        settings["JWT_SECRET_KEY"] = GoodKey;
        settings["QUERY_CACHE_TTL"] = "0"; // stops the start after the authentication settings are read

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var said = Assert.Single(exit.Output.Split('\n'), l => l.Contains("AUTH_MODE="));
        Assert.Contains(level, said);
        Assert.Contains(line, said);
        Assert.DoesNotContain(GoodKey, exit.Output);
        AssertOneFatalLineNaming(exit, "QUERY_CACHE_TTL");
    }

    private static void AssertOneFatalLineNaming(ServerProcess.Exit exit, string variable)
    {
        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains(variable, fatal);
        Assert.DoesNotContain("   at ", exit.Output);
    }
}
