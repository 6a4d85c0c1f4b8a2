using Olorin.Core.Tenancy;

namespace Olorin.Server.Caching;

/// <summary>
/// Drops the caller's tenant's cached statistics over the given collections after every write request to a route
/// group (POST, PUT, PATCH, DELETE; whatever the outcome, since dropping too often is only a recomputation).
/// Registered once per group, so a new write route of the group is covered without a line of its own. An endpoint
/// that only answers GET, HEAD or OPTIONS gets no filter at all: an endpoint filter makes ASP.NET Core invoke the
/// handler through the filter pipeline (arguments boxed into an invocation context, one more async frame), a cost
/// the group's reads, GET /investigations/{id} among them, paid on every request for nothing (docs/performance.md,
/// "Session 7: GET by id").
/// </summary>
public static class StatsInvalidation
{
    public static TBuilder InvalidatesStats<TBuilder>(this TBuilder builder, params StatsSource[] sources) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (OnlyReads(endpoint)) return;
            endpoint.FilterFactories.Add((_, next) => async context =>
            {
                try
                {
                    return await next(context);
                }
                finally
                {
                    // Also when the handler throws after its write committed (e.g. the client went away).
                    var http = context.HttpContext;
                    if (!IsRead(http.Request.Method))
                    {
                        var cache = http.RequestServices.GetRequiredService<StatsCache>();
                        var tenant = http.RequestServices.GetRequiredService<RequestIdentity>().TenantId;
                        foreach (var source in sources) await cache.InvalidateAsync(source, tenant, CancellationToken.None);
                    }
                }
            });
        });
        return builder;
    }

    /// <summary>Whether the endpoint is mapped to read methods only (an endpoint without methods may be called with any).</summary>
    private static bool OnlyReads(EndpointBuilder endpoint)
        => endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { HttpMethods: { Count: > 0 } methods } && methods.All(IsRead);

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
