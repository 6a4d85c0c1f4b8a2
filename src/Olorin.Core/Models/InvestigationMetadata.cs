namespace Olorin.Core.Models;

/// <summary>An investigation's <c>metadata</c>: what the client sent, or this default when it sent none.</summary>
public static class InvestigationMetadata
{
    public const string DefaultSource = "USER";

    public static JsonObject Default() => new()
    {
        ["source"] = DefaultSource,
        ["priority"] = null,
        ["tags"] = new JsonArray(),
        ["custom_fields"] = new JsonObject(),
    };
}
