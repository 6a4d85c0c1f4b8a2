using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Security;

/// <summary>
/// Which browser origins may call the API (<c>CORS_ALLOWED_ORIGINS</c>, comma-separated, e.g.
/// <c>https://olorin.example.com,http://localhost:3000</c>, or <c>*</c> for any). Empty: no cross-origin access.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Variable = "CORS_ALLOWED_ORIGINS";

    [ConfigurationKeyName(Variable)]
    public string? AllowedOrigins { get; set; }

    /// <summary>The configured entries, trimmed, empty ones dropped.</summary>
    public IReadOnlyList<string> Entries()
        => (AllowedOrigins ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public bool IsEnabled => Entries().Count > 0;

    public bool AllowsAnyOrigin => Entries() is ["*"];

    /// <summary>The origins as a browser sends them in <c>Origin</c>: lower-case host, no default port.</summary>
    public IReadOnlyList<string> NormalizedOrigins()
        => Entries().Select(entry => new Uri(entry).GetLeftPart(UriPartial.Authority)).ToList();

    /// <summary>What is wrong with the setting, or null: each entry is an http(s) origin (scheme, host, optional port), or the list is just <c>*</c>.</summary>
    public string? Problem()
    {
        var entries = Entries();
        if (entries.Contains("*"))
            return entries.Count == 1 ? null : $"{Variable}: '*' allows every origin and cannot be combined with other entries.";
        var notAnOrigin = entries.FirstOrDefault(entry => !IsOrigin(entry));
        return notAnOrigin is null
            ? null
            : $"{Variable}: '{notAnOrigin}' is not an origin; write scheme, host and optional port only, such as https://olorin.example.com or http://localhost:3000.";
    }

    private static bool IsOrigin(string entry)
        => Uri.TryCreate(entry, UriKind.Absolute, out var uri)
           && uri.Scheme is "http" or "https"
           && uri.UserInfo.Length == 0
           && uri.AbsolutePath == "/" && !entry.EndsWith('/')
           && uri.Query.Length == 0 && uri.Fragment.Length == 0;
}
