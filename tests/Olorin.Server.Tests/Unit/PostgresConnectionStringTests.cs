using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Olorin.Persistence.Postgres.Settings;

namespace Olorin.Server.Tests.Unit;

public sealed class PostgresConnectionStringTests
{
    private static string Resolve(params (string Key, string? Value)[] settings)
        => PostgresConnectionString.Resolve(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void A_database_url_becomes_an_npgsql_connection_string_with_fail_fast_defaults()
    {
        var builder = new NpgsqlConnectionStringBuilder(Resolve(("DATABASE_URL", "postgresql://app%20user:p%40ss@db.example:6543/olorin?sslmode=require")));
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("app user", builder.Username);
        Assert.Equal("p@ss", builder.Password);
        Assert.Equal("olorin", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal(PostgresConnectionString.DefaultConnectTimeoutSeconds, builder.Timeout);
        Assert.Equal(PostgresConnectionString.DefaultCommandTimeoutSeconds, builder.CommandTimeout);
        Assert.Equal(PostgresConnectionString.DefaultMaxPoolSize, builder.MaxPoolSize);
    }

    [Fact]
    public void The_pool_size_defaults_to_a_small_pool_not_npgsqls_100()
    {
        Assert.Equal(16, PostgresConnectionString.DefaultMaxPoolSize);
        Assert.Equal(16, new NpgsqlConnectionStringBuilder(Resolve(("ConnectionStrings:Postgres", "Host=db;Database=x"))).MaxPoolSize);
        Assert.Equal(16, new NpgsqlConnectionStringBuilder(PostgresConnectionString.ResolveValue("Host=db;Database=x", "SECONDARY_DATABASE_URL")).MaxPoolSize);
    }

    [Fact]
    public void The_default_pool_size_never_falls_below_a_minimum_given()
    {
        var builder = new NpgsqlConnectionStringBuilder(Resolve(("ConnectionStrings:Postgres", "Host=db;Database=x;Minimum Pool Size=20")));
        Assert.Equal((20, 20), (builder.MinPoolSize, builder.MaxPoolSize));
    }

    [Theory]
    [InlineData("ConnectionStrings:Postgres", "Host=db;Database=x;Maximum Pool Size=64")]
    [InlineData("ConnectionStrings:Postgres", "Host=db;Database=x;MaxPoolSize=64")]
    [InlineData("DATABASE_URL", "postgresql://u:p@db/x?Maximum%20Pool%20Size=64")]
    [InlineData("DATABASE_URL", "postgresql://u:p@db/x?maxpoolsize=64")]
    public void A_pool_size_given_explicitly_is_kept(string key, string value)
        => Assert.Equal(64, new NpgsqlConnectionStringBuilder(Resolve((key, value))).MaxPoolSize);

    [Fact]
    public void The_port_defaults_to_5432()
        => Assert.Equal(5432, new NpgsqlConnectionStringBuilder(Resolve(("DATABASE_URL", "postgres://u:p@db/olorin"))).Port);

    [Fact]
    public void Database_url_wins_over_the_connection_string()
        => Assert.Equal("from-url", new NpgsqlConnectionStringBuilder(Resolve(
            ("DATABASE_URL", "postgresql://u:p@from-url/db"), ("ConnectionStrings:Postgres", "Host=from-cs;Database=db"))).Host);

    [Fact]
    public void Timeouts_given_explicitly_are_kept()
    {
        var builder = new NpgsqlConnectionStringBuilder(Resolve(("ConnectionStrings:Postgres", "Host=db;Database=x;Timeout=15;CommandTimeout=120")));
        Assert.Equal(15, builder.Timeout);
        Assert.Equal(120, builder.CommandTimeout);
    }

    [Theory]
    [InlineData("http://u:p@db/olorin")]
    [InlineData("not a url")]
    [InlineData("postgresql://u:p@db/olorin?bogus_keyword=1")]
    public void An_unusable_url_is_an_options_error_naming_the_variable(string url)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("DATABASE_URL", url)));
        Assert.Contains("DATABASE_URL", error.Message);
        Assert.DoesNotContain(":p@", error.Message);
    }
}
