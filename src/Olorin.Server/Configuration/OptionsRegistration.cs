namespace Olorin.Server.Configuration;

/// <summary>
/// Binds the seed's environment variable names (top-level configuration keys, so <c>appsettings.json</c>,
/// <c>appsettings.Mongo.json</c> and the environment all use the same names) and validates them at start-up.
/// Every failure message names the variable.
/// </summary>
public static class OptionsRegistration
{
    public static WebApplicationBuilder AddOlorinOptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<TenancyOptions>().BindConfiguration("")
            .Validate(o => IsId(o.DefaultTenantId), "DEFAULT_TENANT_ID must be 1–255 characters.")
            .ValidateOnStart();

        services.AddOptions<QueryCacheOptions>().BindConfiguration("")
            .Validate(o => o.TtlSeconds > 0, "QUERY_CACHE_TTL must be a number of seconds greater than 0.")
            .ValidateOnStart();

        services.AddOptions<EmbeddingOptions>().BindConfiguration("")
            .Validate(o => Olorin.Embeddings.EmbeddingModel.IsShipped(o.ModelName),
                $"EMBEDDING_MODEL_NAME must be {Olorin.Embeddings.EmbeddingModel.Name}: it is the only embedding model this server ships.")
            .Validate(o => o.BatchSize > 0, "EMBEDDING_BATCH_SIZE must be greater than 0.")
            .Validate(o => o.Dimension == EmbeddingOptions.RequiredDimension,
                $"EMBEDDING_DIMENSION must be {EmbeddingOptions.RequiredDimension}: the schema stores {EmbeddingOptions.RequiredDimension}-dimensional embeddings.")
            .ValidateOnStart();

        services.AddOptions<BackendOptions>().BindConfiguration("").ValidateOnStart();

        var database = DatabaseOptions.From(builder.Configuration, builder.Environment);
        services.AddOptions<DatabaseOptions>().Configure(o =>
        {
            o.ConnectionString = database.ConnectionString;
            o.MigrateOnStartup = database.MigrateOnStartup;
        });

        return builder;
    }

    private static bool IsId(string? value) => value is { Length: >= 1 and <= 255 };
}
