using Microsoft.OpenApi;

namespace Olorin.Server.OpenApi;

public static class OpenApiRegistration
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddOlorinOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options => options.SwaggerDoc(DocumentName, new OpenApiInfo
        {
            Title = "Olorin Server",
            Version = DocumentName,
            Description = "Fraud-investigation API: investigations, health and status.",
        }));
        return services;
    }

    /// <summary>The document at <c>/swagger/v1/swagger.json</c> and the UI at <c>/swagger</c>.</summary>
    public static WebApplication UseOlorinOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "Olorin Server v1");
            options.RoutePrefix = "swagger";
        });
        return app;
    }
}
