using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

public sealed class QueryCacheOptions
{
    [ConfigurationKeyName("ENABLE_QUERY_CACHE")]
    public bool Enabled { get; set; } = true;

    [ConfigurationKeyName("QUERY_CACHE_TTL")]
    public int TtlSeconds { get; set; } = 300;
}
