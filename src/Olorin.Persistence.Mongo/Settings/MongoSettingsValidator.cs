using Microsoft.Extensions.Options;

namespace Olorin.Persistence.Mongo.Settings;

/// <summary>Checks <see cref="MongoSettings"/>; each failure names the variable(s) at fault.</summary>
public sealed class MongoSettingsValidator : IValidateOptions<MongoSettings>
{
    private static readonly char[] ForbiddenDatabaseChars = ['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?', '\0'];

    public ValidateOptionsResult Validate(string? name, MongoSettings options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IReadOnlyList<string> Check(MongoSettings settings)
    {
        var failures = new List<string>();
        CheckUri(settings.Uri, failures);
        CheckDatabase(settings.Database, failures);

        if (settings.MaxPoolSize <= 0)
            failures.Add($"{MongoSettingsKeys.MaxPoolSize} must be greater than 0, got {settings.MaxPoolSize}.");
        if (settings.MinPoolSize < 0)
            failures.Add($"{MongoSettingsKeys.MinPoolSize} must be 0 or more, got {settings.MinPoolSize}.");
        if (settings.MinPoolSize > settings.MaxPoolSize)
            failures.Add($"{MongoSettingsKeys.MinPoolSize} ({settings.MinPoolSize}) must not exceed {MongoSettingsKeys.MaxPoolSize} ({settings.MaxPoolSize}).");

        Positive(MongoSettingsKeys.MaxIdleTimeMs, settings.MaxIdleTimeMs, failures);
        Positive(MongoSettingsKeys.ConnectTimeoutMs, settings.ConnectTimeoutMs, failures);
        Positive(MongoSettingsKeys.SocketTimeoutMs, settings.SocketTimeoutMs, failures);
        Positive(MongoSettingsKeys.ServerSelectionTimeoutMs, settings.ServerSelectionTimeoutMs, failures);
        Positive(MongoSettingsKeys.BootstrapTimeoutMs, settings.BootstrapTimeoutMs, failures);

        if (settings.EmbeddingDimension != MongoSettings.RequiredEmbeddingDimension)
            failures.Add($"{MongoSettingsKeys.EmbeddingDimension} must be {MongoSettings.RequiredEmbeddingDimension} (the all-MiniLM-L6-v2 embeddings), got {settings.EmbeddingDimension}.");
        if (settings.EnableVectorSearch && string.IsNullOrWhiteSpace(settings.VectorSearchIndex))
            failures.Add($"{MongoSettingsKeys.VectorSearchIndex} must name the vector index when {MongoSettingsKeys.EnableVectorSearch} is true.");
        return failures;
    }

    private static void CheckUri(string uri, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            failures.Add($"{MongoSettingsKeys.Uri} is required (mongodb:// or mongodb+srv://).");
            return;
        }
        if (!uri.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{MongoSettingsKeys.Uri} must start with mongodb:// or mongodb+srv://, got '{MongoUriRedactor.Redact(uri)}'.");
            return;
        }
        try
        {
            _ = new MongoUrl(uri);
        }
        catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
        {
            failures.Add($"{MongoSettingsKeys.Uri} is not a valid MongoDB connection string ('{MongoUriRedactor.Redact(uri)}'): {MongoUriRedactor.RedactText(e.Message, uri)}");
        }
    }

    private static void CheckDatabase(string database, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(database))
            failures.Add($"{MongoSettingsKeys.Database} is required.");
        else if (database.IndexOfAny(ForbiddenDatabaseChars) >= 0)
            failures.Add($"{MongoSettingsKeys.Database} '{database}' must not contain any of / \\ . \" $ * < > : | ? or a space.");
        else if (System.Text.Encoding.UTF8.GetByteCount(database) >= 64)
            failures.Add($"{MongoSettingsKeys.Database} must be shorter than 64 bytes, got '{database}'.");
    }

    private static void Positive(string key, int value, List<string> failures)
    {
        if (value <= 0) failures.Add($"{key} must be greater than 0, got {value}.");
    }
}
