using Olorin.Core.Tenancy;

namespace Olorin.Server.Caching;

/// <summary>
/// Drops the caller's tenant's cached statistics over the given collections after every write request to a route
/// group (POST, PUT, PATCH, DELETE; whatever the outcome, since dropping too often is only a recomputation).
/// Registered once per group, so a new write route of the group is covered without a line of its own.
/// </summary>
public static class StatsInvalidation
{
    public static TBuilder InvalidatesStats<TBuilder>(this TBuilder builder, params StatsSource[] sources) where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            finally
            {
                // Also when the handler throws after its write committed (e.g. the client went away).
                var http = context.HttpContext;
                if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method))
                {
                    var cache = http.RequestServices.GetRequiredService<StatsCache>();
                    var tenant = http.RequestServices.GetRequiredService<RequestIdentity>().TenantId;
                    foreach (var source in sources) await cache.InvalidateAsync(source, tenant, CancellationToken.None);
                }
            }
        });
}
