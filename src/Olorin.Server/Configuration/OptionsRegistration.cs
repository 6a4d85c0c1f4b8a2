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

        services.AddOptions<PollingOptions>().BindConfiguration("")
            .Validate(o => o.FastIntervalMs is >= PollingOptions.MinIntervalMs and <= PollingOptions.MaxIntervalMs,
                $"POLLING_FAST_INTERVAL_MS must be {PollingOptions.MinIntervalMs}–{PollingOptions.MaxIntervalMs} milliseconds.")
            .Validate(o => o.NormalIntervalMs is >= PollingOptions.MinIntervalMs and <= PollingOptions.MaxIntervalMs && o.NormalIntervalMs >= o.FastIntervalMs,
                $"POLLING_NORMAL_INTERVAL_MS must be {PollingOptions.MinIntervalMs}–{PollingOptions.MaxIntervalMs} milliseconds and not below POLLING_FAST_INTERVAL_MS.")
            .Validate(o => o.SlowIntervalMs is >= PollingOptions.MinIntervalMs and <= PollingOptions.MaxIntervalMs && o.SlowIntervalMs >= o.NormalIntervalMs,
                $"POLLING_SLOW_INTERVAL_MS must be {PollingOptions.MinIntervalMs}–{PollingOptions.MaxIntervalMs} milliseconds and not below POLLING_NORMAL_INTERVAL_MS.")
            .Validate(o => o.RateLimitMaxRequests is >= 1 and <= 1_000_000, "RATE_LIMIT_MAX_REQUESTS must be 1–1000000.")
            .Validate(o => o.RateLimitWindowSeconds is >= 1 and <= 86_400, "RATE_LIMIT_WINDOW_SECONDS must be 1–86400 seconds.")
            .ValidateOnStart();

        services.AddOptions<LiveChangesOptions>().BindConfiguration("")
            .Validate(o => o.HeartbeatIntervalSeconds is >= 1 and <= 3_600, "SSE_HEARTBEAT_INTERVAL_SECONDS must be 1–3600 seconds.")
            .Validate(o => o.MaxDurationSeconds is >= 1 and <= 86_400, "SSE_MAX_DURATION_SECONDS must be 1–86400 seconds.")
            .Validate(o => o.PollIntervalMilliseconds is >= 50 and <= 10_000, "SSE_POLL_INTERVAL_MILLISECONDS must be 50–10000 milliseconds.")
            .ValidateOnStart();

        services.AddOptions<InvestigationAccessOptions>().BindConfiguration("")
            .Validate(o => o.WriteIntervalSeconds is >= 0 and <= InvestigationAccessOptions.MaxIntervalSeconds,
                $"LAST_ACCESSED_WRITE_INTERVAL_SECONDS must be 0–{InvestigationAccessOptions.MaxIntervalSeconds} seconds.")
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
