namespace Olorin.Server.Edge;

public static class EdgeRegistration
{
    /// <summary>
    /// Kestrel's request-line and header limits are raised above <see cref="InputLimits"/>, so that an over-long URL
    /// or header block reaches <see cref="RequestGuardMiddleware"/> and gets a ProblemDetails 414/431 (Kestrel's own
    /// answers have no body). Beyond Kestrel's raised limits it still answers by itself.
    /// </summary>
    public static WebApplicationBuilder AddOlorinEdgeLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = InputLimits.KestrelRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = InputLimits.KestrelHeadersBytes;
            kestrel.Limits.MaxRequestHeaderCount = InputLimits.KestrelHeaderCount;
        });
        return builder;
    }

    /// <summary>Must come after the exception handler (a body over the size limit throws there, as 413).</summary>
    public static IApplicationBuilder UseOlorinRequestGuard(this IApplicationBuilder app) => app.UseMiddleware<RequestGuardMiddleware>();
}
