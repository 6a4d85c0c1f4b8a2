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
