using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Olorin.Server.OpenApi;

public static class OpenApiRegistration
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddOlorinOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Olorin Server",
                Version = DocumentName,
                Description = "Fraud-investigation API: investigations, health and status.",
            });
            // Free-form JSON (settings, progress, results, metadata, evidence, params, …): any members, kept as sent
            // (Decision 12), not the JsonNode class's own properties.
            options.MapType<System.Text.Json.Nodes.JsonObject>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalPropertiesAllowed = true,
                Description = "A free-form JSON object: every member is stored and returned as sent. docs/api.md lists the members the server reads.",
            });
            options.MapType<System.Text.Json.Nodes.JsonNode>(() => new OpenApiSchema { Description = "Any JSON value." });
            options.SchemaFilter<UnknownMembersSchemaFilter>();
        });
        // Describe schemas with the wire JSON options (snake_case, wire enums), not MVC's defaults.
        services.AddTransient<ISerializerDataContractResolver>(sp => new JsonSerializerDataContractResolver(
            sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions));
        return services;
    }

    /// <summary>Where the document and the UI are served: <see cref="UseOlorinOpenApi"/>'s middleware runs only below it.</summary>
    public const string PathPrefix = "/swagger";

    /// <summary>
    /// The document at <c>/swagger/v1/swagger.json</c> and the UI at <c>/swagger</c>. Both middlewares sit in a branch
    /// taken only for paths under <see cref="PathPrefix"/>: in the main pipeline they matched every API request's path
    /// against their templates (the UI's with a regular expression) before letting it through (docs/performance.md,
    /// "Session 7: GET by id").
    /// </summary>
    public static WebApplication UseOlorinOpenApi(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase), swagger =>
        {
            swagger.UseSwagger();
            swagger.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint($"{PathPrefix}/{DocumentName}/swagger.json", "Olorin Server v1");
                options.RoutePrefix = PathPrefix.TrimStart('/');
            });
        });
        return app;
    }
}
