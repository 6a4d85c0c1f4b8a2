using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Olorin.Server.Security;

/// <summary>
/// CORS for a web frontend served from another origin, off unless <c>CORS_ALLOWED_ORIGINS</c> is set. Browsers may
/// send the identity and concurrency headers the API reads and read the ones it answers with (<c>ETag</c>,
/// <c>Location</c>, <c>Retry-After</c>). No credentials: identity travels in headers, not cookies.
/// </summary>
public static class CrossOriginRegistration
{
    public static readonly string[] AllowedHeaders =
        ["Content-Type", "Authorization", "If-Match", "If-None-Match", "X-Tenant-Id", "X-User-Id", "Last-Event-ID"];

    /// <summary>Beyond the CORS-safelisted ones: what the frontend reads to cache, follow, and pace its polling.</summary>
    public static readonly string[] ExposedHeaders =
        ["ETag", "Location", "Retry-After", "X-Recommended-Interval", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

    public static readonly string[] AllowedMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    public static IServiceCollection AddOlorinCrossOrigin(this IServiceCollection services)
    {
        services.AddOptions<CrossOriginOptions>().BindConfiguration("").ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrossOriginOptions>, CrossOriginValidator>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, crossOrigin) =>
            cors.AddDefaultPolicy(policy => Configure(policy, crossOrigin.Value)));
        return services;
    }

    /// <summary>Adds the CORS middleware when origins are configured (reading the options validates them).</summary>
    public static IApplicationBuilder UseOlorinCrossOrigin(this IApplicationBuilder app)
        => app.ApplicationServices.GetRequiredService<IOptions<CrossOriginOptions>>().Value.IsEnabled ? app.UseCors() : app;

    private static void Configure(CorsPolicyBuilder policy, CrossOriginOptions options)
    {
        if (options.AllowsAnyOrigin) policy.AllowAnyOrigin();
        else policy.WithOrigins([.. options.NormalizedOrigins()]);
        policy.WithHeaders(AllowedHeaders).WithExposedHeaders(ExposedHeaders).WithMethods(AllowedMethods).SetPreflightMaxAge(PreflightMaxAge);
    }

    private sealed class CrossOriginValidator : IValidateOptions<CrossOriginOptions>
    {
        public ValidateOptionsResult Validate(string? name, CrossOriginOptions options)
            => options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
