using Microsoft.AspNetCore.Authorization;
using Olorin.Authentication;

namespace Olorin.Server.Security;

/// <summary>
/// Who may call what. Every API endpoint is mapped inside <see cref="MapApiGroup"/>, which gives each endpoint that
/// does not choose its own policy the one its HTTP method calls for: reads (GET, HEAD) need the <c>read</c> or
/// <c>write</c> scope, everything else <c>write</c>. Monitoring endpoints are mapped inside
/// <see cref="MapAnonymousGroup"/>. An endpoint mapped outside both still meets the fallback policy (the same rule,
/// decided per request), and the route-table test fails on it.
/// </summary>
public static class ApiAuthorization
{
    public const string ReadPolicy = "olorin:read";
    public const string WritePolicy = "olorin:write";

    public static IServiceCollection AddOlorinAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(OlorinClaimTypes.Scope, OlorinScopes.SatisfyingFor("GET")))
            .AddPolicy(WritePolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(OlorinClaimTypes.Scope, OlorinScopes.SatisfyingFor("POST")))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new ScopeForMethodRequirement()).Build());
        services.AddSingleton<IAuthorizationHandler, ScopeForMethodHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }

    /// <summary>The group every resource API is mapped in: read or write scope by HTTP method, unless the endpoint names a policy.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("");
        // Finally: runs after each endpoint's own conventions, so an explicit RequireAuthorization/AllowAnonymous wins.
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (endpoint.Metadata.Any(item => item is IAuthorizeData or IAllowAnonymous)) return;
            endpoint.Metadata.Add(new AuthorizeAttribute(PolicyFor(endpoint.Metadata.OfType<HttpMethodMetadata>().FirstOrDefault())));
        });
        return group;
    }

    /// <summary>The group of the monitoring endpoints (health, status): no token needed, and they reveal no secrets.</summary>
    public static RouteGroupBuilder MapAnonymousGroup(this IEndpointRouteBuilder app) => app.MapGroup("").AllowAnonymous();

    /// <summary>Read only when every method the endpoint answers is a read.</summary>
    public static string PolicyFor(HttpMethodMetadata? methods)
        => methods is { HttpMethods.Count: > 0 } && methods.HttpMethods.All(OlorinScopes.IsRead) ? ReadPolicy : WritePolicy;

    /// <summary>The fallback's rule: the scope the request's HTTP method calls for.</summary>
    public sealed class ScopeForMethodRequirement : IAuthorizationRequirement;

    private sealed class ScopeForMethodHandler : AuthorizationHandler<ScopeForMethodRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeForMethodRequirement requirement)
        {
            if (context.Resource is HttpContext http
                && OlorinScopes.SatisfyingFor(http.Request.Method).Any(scope => context.User.HasClaim(OlorinClaimTypes.Scope, scope)))
                context.Succeed(requirement);
            return Task.CompletedTask;
        }
    }
}
