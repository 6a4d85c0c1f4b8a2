using Microsoft.Extensions.Caching.Hybrid;
using Olorin.Server.Configuration;

namespace Olorin.Server.Caching;

/// <summary>The collections whose aggregations are cached; a write to one drops that tenant's cached answers over it.</summary>
public enum StatsSource
{
    DetectionRuns,
    TransactionScores,
    ComposioActionAudits,
}

/// <summary>
/// ENABLE_QUERY_CACHE / QUERY_CACHE_TTL: aggregations and statistics only (run stats, score distribution, toolkit
/// stats), through <see cref="HybridCache"/> (in-process; concurrent misses of one key share one computation).
/// An entry is keyed by tenant and query, expires after the TTL, and carries the tag of its tenant's collection,
/// which <see cref="InvalidateAsync"/> drops on every local write to it. Documents and lists are never cached
/// (optimistic locking needs fresh versions). Another instance's writes are seen after at most the TTL
/// (docs/configuration.md, "Query cache").
/// </summary>
public sealed class StatsCache(HybridCache cache, IOptions<QueryCacheOptions> options)
{
    private QueryCacheOptions Options => options.Value;

    /// <param name="query">Everything else the answer depends on (route values and query parameters), in a fixed order.</param>
    public async Task<T> GetOrComputeAsync<T>(
        StatsSource source, string tenantId, string query, Func<CancellationToken, Task<T>> compute, CancellationToken cancellationToken)
    {
        if (!Options.Enabled) return await compute(cancellationToken);
        var ttl = TimeSpan.FromSeconds(Options.TtlSeconds);
        return await cache.GetOrCreateAsync(
            Key(source, tenantId, query),
            compute,
            static (compute, token) => new ValueTask<T>(compute(token)),
            new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl },
            [Tag(source, tenantId)],
            cancellationToken);
    }

    /// <summary>Drops every cached answer over the tenant's <paramref name="source"/> (a local write to it).</summary>
    public ValueTask InvalidateAsync(StatsSource source, string tenantId, CancellationToken cancellationToken = default)
        => Options.Enabled ? cache.RemoveByTagAsync(Tag(source, tenantId), cancellationToken) : ValueTask.CompletedTask;

    // Each part escaped, so no tenant or query text can make two different keys equal.
    internal static string Key(StatsSource source, string tenantId, string query)
        => $"stats/{source}/{Uri.EscapeDataString(tenantId)}/{Uri.EscapeDataString(query)}";

    internal static string Tag(StatsSource source, string tenantId) => $"stats/{source}/{Uri.EscapeDataString(tenantId)}";
}
