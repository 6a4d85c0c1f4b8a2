using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Settings;

public sealed class MongoSettingsTests
{
    private const string ValidUri = "mongodb+srv://olorin-app-user:p%40ss@cluster.mongodb.net/olorin?retryWrites=true&w=majority";

    private static IConfiguration Config(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static IReadOnlyList<string> Failures(MongoSettings settings) => MongoSettingsValidator.Check(settings);

    [Fact]
    public void Absent_keys_take_the_deployment_guide_defaults()
    {
        var settings = MongoSettingsBinder.Bind(Config(("MONGODB_URI", ValidUri)));

        Assert.Equal(ValidUri, settings.Uri);
        Assert.Equal("olorin", settings.Database);
        Assert.Equal(100, settings.MaxPoolSize);
        Assert.Equal(20, settings.MinPoolSize);
        Assert.Equal(45_000, settings.MaxIdleTimeMs);
        Assert.Equal(30_000, settings.ConnectTimeoutMs);
        Assert.Equal(60_000, settings.SocketTimeoutMs);
        Assert.Equal(30_000, settings.ServerSelectionTimeoutMs);
        Assert.Equal("anomaly_vector_index", settings.VectorSearchIndex);
        Assert.True(settings.EnableTimeSeries);
        Assert.Equal(384, settings.EmbeddingDimension);
        Assert.Empty(Failures(settings));
    }

    [Fact]
    public void Every_key_is_read_under_its_exact_variable_name()
    {
        var settings = MongoSettingsBinder.Bind(Config(
            ("MONGODB_URI", ValidUri), ("MONGODB_DATABASE", "fraud"), ("MONGODB_MAX_POOL_SIZE", "50"), ("MONGODB_MIN_POOL_SIZE", "5"),
            ("MONGODB_MAX_IDLE_TIME_MS", "1000"), ("MONGODB_CONNECT_TIMEOUT_MS", "2000"), ("MONGODB_SOCKET_TIMEOUT_MS", "3000"),
            ("MONGODB_SERVER_SELECTION_TIMEOUT_MS", "4000"), ("MONGODB_ENABLE_VECTOR_SEARCH", "false"), ("MONGODB_VECTOR_SEARCH_INDEX", "vec"),
            ("MONGODB_ENABLE_ATLAS_SEARCH", "False"), ("MONGODB_ENABLE_TIME_SERIES", "0"), ("EMBEDDING_DIMENSION", "384")));

        Assert.Equal(new MongoSettings
        {
            Uri = ValidUri, Database = "fraud", MaxPoolSize = 50, MinPoolSize = 5, MaxIdleTimeMs = 1000, ConnectTimeoutMs = 2000,
            SocketTimeoutMs = 3000, ServerSelectionTimeoutMs = 4000, EnableVectorSearch = false, VectorSearchIndex = "vec",
            EnableAtlasSearch = false, EnableTimeSeries = false, EmbeddingDimension = 384,
        }, settings);
    }

    [Fact]
    public void Environment_variables_win_over_the_json_file()
    {
        var json = new MemoryStream("""{ "MONGODB_DATABASE": "from_json", "MONGODB_MAX_POOL_SIZE": 70, "MONGODB_URI": "mongodb://h" }"""u8.ToArray());
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(json)
            .AddInMemoryCollection([new("MONGODB_DATABASE", "from_env")]) // stands for AddEnvironmentVariables(), added last
            .Build();

        var settings = MongoSettingsBinder.Bind(configuration);

        Assert.Equal("from_env", settings.Database);
        Assert.Equal(70, settings.MaxPoolSize);
    }

    [Fact]
    public void A_value_that_does_not_parse_is_reported_naming_the_variable()
    {
        var error = Assert.Throws<MongoSettingsException>(() => MongoSettingsBinder.Bind(Config(
            ("MONGODB_URI", ValidUri), ("MONGODB_MAX_POOL_SIZE", "lots"), ("MONGODB_ENABLE_TIME_SERIES", "maybe"))));

        Assert.Contains("MONGODB_MAX_POOL_SIZE must be an integer, got 'lots'.", error.Failures);
        Assert.Contains("MONGODB_ENABLE_TIME_SERIES must be true or false, got 'maybe'.", error.Failures);
    }

    [Fact]
    public void A_min_pool_above_the_max_pool_is_one_message_naming_both_variables()
    {
        var settings = MongoSettingsBinder.Bind(Config(("MONGODB_URI", ValidUri), ("MONGODB_MAX_POOL_SIZE", "5"), ("MONGODB_MIN_POOL_SIZE", "10")));

        var failure = Assert.Single(Failures(settings));

        Assert.Equal("MONGODB_MIN_POOL_SIZE (10) must not exceed MONGODB_MAX_POOL_SIZE (5).", failure);
    }

    [Theory]
    [InlineData("", "MONGODB_URI is required")]
    [InlineData("postgres://u:secret@h/db", "MONGODB_URI must start with mongodb:// or mongodb+srv://")]
    [InlineData("mongodb://u:secret@h:notaport/db", "MONGODB_URI is not a valid MongoDB connection string")]
    public void The_uri_must_be_a_parseable_mongodb_connection_string(string uri, string expected)
    {
        var failure = Assert.Single(Failures(new MongoSettings { Uri = uri }));

        Assert.StartsWith(expected, failure);
        Assert.DoesNotContain("secret", failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dotted.name")]
    [InlineData("slash/name")]
    [InlineData("back\\slash")]
    [InlineData("dollar$")]
    [InlineData("quote\"")]
    public void The_database_name_must_be_valid(string database)
    {
        var failure = Assert.Single(Failures(new MongoSettings { Uri = ValidUri, Database = database }));

        Assert.StartsWith("MONGODB_DATABASE", failure);
    }

    [Fact]
    public void Timeouts_and_pool_sizes_must_be_positive_and_each_failure_names_its_variable()
    {
        var failures = Failures(new MongoSettings
        {
            Uri = ValidUri, MaxPoolSize = 0, MinPoolSize = -1, MaxIdleTimeMs = 0, ConnectTimeoutMs = -5, SocketTimeoutMs = 0, ServerSelectionTimeoutMs = 0,
        });

        Assert.Equal(
        [
            "MONGODB_MAX_POOL_SIZE must be greater than 0, got 0.",
            "MONGODB_MIN_POOL_SIZE must be 0 or more, got -1.",
            "MONGODB_MAX_IDLE_TIME_MS must be greater than 0, got 0.",
            "MONGODB_CONNECT_TIMEOUT_MS must be greater than 0, got -5.",
            "MONGODB_SOCKET_TIMEOUT_MS must be greater than 0, got 0.",
            "MONGODB_SERVER_SELECTION_TIMEOUT_MS must be greater than 0, got 0.",
        ], failures);
    }

    [Theory]
    [InlineData(768)]
    [InlineData(0)]
    public void The_embedding_dimension_must_be_384(int dimension)
    {
        var failure = Assert.Single(Failures(new MongoSettings { Uri = ValidUri, EmbeddingDimension = dimension }));

        Assert.StartsWith($"EMBEDDING_DIMENSION must be 384", failure);
    }

    [Fact]
    public void The_vector_index_name_is_required_only_when_vector_search_is_on()
    {
        Assert.Equal(["MONGODB_VECTOR_SEARCH_INDEX must name the vector index when MONGODB_ENABLE_VECTOR_SEARCH is true."],
            Failures(new MongoSettings { Uri = ValidUri, VectorSearchIndex = " " }));
        Assert.Empty(Failures(new MongoSettings { Uri = ValidUri, VectorSearchIndex = "", EnableVectorSearch = false }));
    }

    [Fact]
    public void As_options_the_settings_are_bound_and_validated()
    {
        using var services = new ServiceCollection()
            .AddMongoSettings(Config(("MONGODB_URI", ValidUri), ("MONGODB_MAX_POOL_SIZE", "5"), ("MONGODB_MIN_POOL_SIZE", "10"))).Services
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MongoSettings>>().Value);

        Assert.Contains("MONGODB_MIN_POOL_SIZE (10) must not exceed MONGODB_MAX_POOL_SIZE (5).", error.Failures);
    }

    [Fact]
    public void Client_settings_carry_the_pool_timeouts_and_application_name()
    {
        var client = MongoClientFactory.CreateClientSettings(new MongoSettings
        {
            Uri = "mongodb://u:p@127.0.0.1:27017/", MaxPoolSize = 40, MinPoolSize = 4, MaxIdleTimeMs = 1234, ConnectTimeoutMs = 2345,
            SocketTimeoutMs = 3456, ServerSelectionTimeoutMs = 4567,
        });

        Assert.Equal(40, client.MaxConnectionPoolSize);
        Assert.Equal(4, client.MinConnectionPoolSize);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), client.MaxConnectionIdleTime);
        Assert.Equal(TimeSpan.FromMilliseconds(2345), client.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(3456), client.SocketTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(4567), client.ServerSelectionTimeout);
        Assert.Equal("olorin-server", client.ApplicationName);
    }

    [Fact]
    public void Options_written_in_the_uri_win_over_the_variables()
    {
        var client = MongoClientFactory.CreateClientSettings(new MongoSettings
        {
            Uri = "mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=500&maxPoolSize=7&appName=tool",
        });

        Assert.Equal(TimeSpan.FromMilliseconds(500), client.ServerSelectionTimeout);
        Assert.Equal(7, client.MaxConnectionPoolSize);
        Assert.Equal(20, client.MinConnectionPoolSize);
        Assert.Equal("tool", client.ApplicationName);
    }

    [Fact]
    public void The_printed_settings_never_show_the_password()
    {
        var settings = new MongoSettings { Uri = "mongodb://admin:hunter2@db:27017/olorin" };

        Assert.DoesNotContain("hunter2", settings.ToString());
        Assert.Contains("mongodb://admin:***@db:27017/olorin", settings.ToString());
    }
}
