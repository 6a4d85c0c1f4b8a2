using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Olorin.Server.OpenApi;

/// <summary>
/// The fixed-shape objects (<see cref="IKeepsUnknownMembers"/>) say in their schema that members beyond the listed ones
/// are accepted and returned as sent (Decision 12), not only that additional properties are allowed.
/// </summary>
internal sealed class UnknownMembersSchemaFilter : ISchemaFilter
{
    public const string Description =
        "Members not listed here are kept and returned exactly as sent; the listed members are validated as documented.";

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (!context.Type.IsAssignableTo(typeof(IKeepsUnknownMembers)) || schema is not OpenApiSchema concrete) return;
        concrete.AdditionalPropertiesAllowed = true;
        concrete.Description = Description;
    }
}
