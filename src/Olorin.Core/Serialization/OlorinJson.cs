using System.Text.Json;
using System.Text.Json.Serialization;

namespace Olorin.Core.Serialization;

/// <summary>
/// The snake_case JSON shape shared by the HTTP wire format and the jsonb columns, configured once.
/// </summary>
public static class OlorinJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new WireEnumJsonConverterFactory());
        return options;
    }
}
