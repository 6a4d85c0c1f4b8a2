namespace Olorin.Server.Errors;

public static class ProblemDetailsRegistration
{
    /// <summary>RFC 9457 ProblemDetails for every non-2xx answer, with the request's trace id.</summary>
    public static IServiceCollection AddOlorinProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("trace_id", context.HttpContext.TraceIdentifier));
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>(); // after the built-in writer: the fallback
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Binding failures (bad JSON, bad query values) throw, so that the handler can say what was wrong.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
