using Olorin.Core.Tenancy;

namespace Olorin.Server.Identity;

public static class IdentityRegistration
{
    /// <summary>Makes the caller's <see cref="RequestIdentity"/> injectable into endpoint handlers (resolved once per request).</summary>
    public static IServiceCollection AddRequestIdentity(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<IRequestIdentityResolver, ClaimsRequestIdentityResolver>();
        services.AddScoped(sp =>
        {
            var context = sp.GetRequiredService<IHttpContextAccessor>().HttpContext
                ?? throw new InvalidOperationException("RequestIdentity is only available while handling an HTTP request.");
            return sp.GetRequiredService<IRequestIdentityResolver>().Resolve(context);
        });
        return services;
    }
}
