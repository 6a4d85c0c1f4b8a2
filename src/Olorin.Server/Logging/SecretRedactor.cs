using System.Text.RegularExpressions;

namespace Olorin.Server.Logging;

/// <summary>Removes passwords from database locations before they are logged or shown.</summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>
    /// Masks the password of <c>postgresql://</c>, <c>postgres://</c>, <c>mongodb://</c> and <c>mongodb+srv://</c>
    /// URIs, and the value of <c>Password=</c> / <c>Pwd=</c> in key-value connection strings (quoted values included).
    /// </summary>
    public static string Redact(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value ?? "";
        var redacted = UriPassword().Replace(value, m => $"{m.Groups["prefix"].Value}{Mask}@");
        return KeyValuePassword().Replace(redacted, m => $"{m.Groups["key"].Value}{Mask}");
    }

    // Up to the last '@' of the token, so that an unescaped '@' inside the password cannot leak its tail.
    [GeneratedRegex(@"(?<prefix>\b(?:postgresql|postgres|mongodb\+srv|mongodb)://[^:/?#@\s]*:)\S*@", RegexOptions.IgnoreCase)]
    private static partial Regex UriPassword();

    [GeneratedRegex(@"(?<key>(?:^|;)\s*(?:password|pwd)\s*=\s*)(?:""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValuePassword();
}
