using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Olorin.Server.Security;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Olorin.Server.OpenApi;

/// <summary>
/// In <c>AUTH_MODE=jwt</c>: the OpenAPI document declares the bearer scheme (so the Swagger UI's Authorize button takes
/// a token) and each protected operation names the scope it needs and its 401/403 answers.
/// </summary>
public static class BearerSecurity
{
    public const string SchemeName = "Bearer";

    public static IServiceCollection AddBearerSecurityToOpenApi(this IServiceCollection services)
    {
        services.ConfigureSwaggerGen(options =>
        {
            options.AddSecurityDefinition(SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with the caller's tenant (tenant_id), user (sub) and scopes (scope: read, write). Locally: scripts/olorin token --tenant t1 --user u1 --scopes read,write",
            });
            options.OperationFilter<ScopeRequirementFilter>();
        });
        return services;
    }

    private sealed class ScopeRequirementFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any()) return;
            var policy = metadata.OfType<IAuthorizeData>().Select(data => data.Policy).FirstOrDefault(p => p is not null);
            var scopes = policy == ApiAuthorization.ReadPolicy ? new List<string> { "read" } : ["write"];
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = scopes });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No bearer token, or an invalid or expired one." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token lacks the '{scopes[0]}' scope." });
        }
    }
}
