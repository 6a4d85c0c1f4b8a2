namespace Olorin.Server.Caching;

public static class QueryCacheRegistration
{
    /// <summary>HybridCache (in-process only: no distributed cache is registered) and <see cref="StatsCache"/> over it.</summary>
    public static IServiceCollection AddOlorinQueryCache(this IServiceCollection services)
    {
        services.AddHybridCache();
        services.AddSingleton<StatsCache>();
        return services;
    }
}
