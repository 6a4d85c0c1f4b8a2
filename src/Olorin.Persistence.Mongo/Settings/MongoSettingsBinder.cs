using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Olorin.Persistence.Mongo.Settings;

/// <summary>
/// Reads <see cref="MongoSettings"/> from configuration under the exact <see cref="MongoSettingsKeys"/>; an absent
/// key keeps its default. A value that does not parse is reported naming the variable, never silently defaulted.
/// </summary>
public static class MongoSettingsBinder
{
    /// <summary>Binds; throws <see cref="MongoSettingsException"/> listing every value that does not parse.</summary>
    public static MongoSettings Bind(IConfiguration configuration)
    {
        var errors = new List<string>();
        var defaults = new MongoSettings();
        var settings = new MongoSettings
        {
            Uri = String(configuration, MongoSettingsKeys.Uri, defaults.Uri),
            Database = String(configuration, MongoSettingsKeys.Database, defaults.Database),
            MaxPoolSize = Int(configuration, MongoSettingsKeys.MaxPoolSize, defaults.MaxPoolSize, errors),
            MinPoolSize = Int(configuration, MongoSettingsKeys.MinPoolSize, defaults.MinPoolSize, errors),
            MaxIdleTimeMs = Int(configuration, MongoSettingsKeys.MaxIdleTimeMs, defaults.MaxIdleTimeMs, errors),
            ConnectTimeoutMs = Int(configuration, MongoSettingsKeys.ConnectTimeoutMs, defaults.ConnectTimeoutMs, errors),
            SocketTimeoutMs = Int(configuration, MongoSettingsKeys.SocketTimeoutMs, defaults.SocketTimeoutMs, errors),
            ServerSelectionTimeoutMs = Int(configuration, MongoSettingsKeys.ServerSelectionTimeoutMs, defaults.ServerSelectionTimeoutMs, errors),
            BootstrapTimeoutMs = Int(configuration, MongoSettingsKeys.BootstrapTimeoutMs, defaults.BootstrapTimeoutMs, errors),
            EnableVectorSearch = Bool(configuration, MongoSettingsKeys.EnableVectorSearch, defaults.EnableVectorSearch, errors),
            VectorSearchIndex = String(configuration, MongoSettingsKeys.VectorSearchIndex, defaults.VectorSearchIndex),
            EnableAtlasSearch = Bool(configuration, MongoSettingsKeys.EnableAtlasSearch, defaults.EnableAtlasSearch, errors),
            EnableTimeSeries = Bool(configuration, MongoSettingsKeys.EnableTimeSeries, defaults.EnableTimeSeries, errors),
            EmbeddingDimension = Int(configuration, MongoSettingsKeys.EmbeddingDimension, defaults.EmbeddingDimension, errors),
        };
        return errors.Count == 0 ? settings : throw new MongoSettingsException(errors);
    }

    /// <summary>Binds and validates (<see cref="MongoSettingsValidator"/>); throws with every problem found.</summary>
    public static MongoSettings BindValidated(IConfiguration configuration)
    {
        var settings = Bind(configuration);
        var failures = MongoSettingsValidator.Check(settings);
        return failures.Count == 0 ? settings : throw new MongoSettingsException(failures);
    }

    private static string? Raw(IConfiguration configuration, string key)
        => configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string String(IConfiguration configuration, string key, string fallback) => Raw(configuration, key) ?? fallback;

    private static int Int(IConfiguration configuration, string key, int fallback, List<string> errors)
    {
        if (Raw(configuration, key) is not { } raw) return fallback;
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{key} must be an integer, got '{raw}'.");
        return fallback;
    }

    private static bool Bool(IConfiguration configuration, string key, bool fallback, List<string> errors)
    {
        if (Raw(configuration, key) is not { } raw) return fallback;
        switch (raw.ToLowerInvariant())
        {
            case "true" or "1" or "yes": return true;
            case "false" or "0" or "no": return false;
            default:
                errors.Add($"{key} must be true or false, got '{raw}'.");
                return fallback;
        }
    }
}
