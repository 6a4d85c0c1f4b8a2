using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Host;

/// <summary>A bad configuration value stops start-up with a message that names the variable.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("QUERY_CACHE_TTL", "0")]
    [InlineData("QUERY_CACHE_TTL", "-5")]
    [InlineData("QUERY_CACHE_TTL", "soon")]
    [InlineData("EMBEDDING_DIMENSION", "768")]
    [InlineData("EMBEDDING_BATCH_SIZE", "0")]
    [InlineData("EMBEDDING_MODEL_NAME", " ")]
    [InlineData("DEFAULT_TENANT_ID", "")]
    [InlineData("ENABLE_TENANT_ISOLATION", "maybe")]
    [InlineData("ENABLE_MONGODB", "perhaps")]
    [InlineData("FAIL_ON_MONGODB_ERROR", "2")]
    [InlineData("ENABLE_QUERY_CACHE", "yes please")]
    [InlineData("DATABASE_URL", "mysql://olorin:secret-pw@127.0.0.1/olorin")]
    [InlineData("DATABASE_URL", "postgresql://olorin:secret-pw@127.0.0.1:5432/olorin?no_such_option=1")]
    [InlineData("Database:MigrateOnStartup", "sometimes")]
    [InlineData("PGVECTOR_EF_SEARCH", "0")]
    [InlineData("PGVECTOR_EF_SEARCH", "lots")]
    [InlineData("PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES", "-1")]
    public void A_bad_value_stops_start_up_naming_the_variable(string variable, string value)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        settings[variable] = value;
        using var factory = new OlorinApiFactory(settings);

        var exception = Assert.ThrowsAny<Exception>(() => factory.Server);

        var messages = Messages(exception);
        Assert.Contains(variable, messages);
        Assert.DoesNotContain("secret-pw", messages);
    }

    [Fact]
    public void Without_any_database_configured_start_up_says_how_to_configure_one()
    {
        var settings = OlorinApiFactory.SettingsFor("", migrate: false);
        using var factory = new OlorinApiFactory(settings);
        var exception = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("DATABASE_URL", Messages(exception));
    }

    private static string Messages(Exception exception)
    {
        var all = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException) all.Add(e.Message);
        if (exception is AggregateException aggregate) all.AddRange(aggregate.InnerExceptions.Select(Messages));
        return string.Join(" | ", all);
    }
}
