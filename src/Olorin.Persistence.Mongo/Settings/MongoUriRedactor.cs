using System.Text.RegularExpressions;

namespace Olorin.Persistence.Mongo.Settings;

/// <summary>Replaces the password of a MongoDB connection string with <c>***</c>, in the URI or in any text.</summary>
public static partial class MongoUriRedactor
{
    public const string Mask = "***";

    /// <summary><c>mongodb://user:secret@host</c> → <c>mongodb://user:***@host</c>; a URI without password is unchanged.</summary>
    public static string Redact(string? uri) => string.IsNullOrEmpty(uri) ? "" : UserInfoPassword().Replace(uri, $"$1{Mask}@");

    /// <summary>
    /// Redacts every connection string in <paramref name="text"/> (an exception message, say) and, when the URI in
    /// use is given, its password wherever it appears on its own, raw or percent-decoded.
    /// </summary>
    public static string RedactText(string? text, string? uri = null)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var redacted = Redact(text);
        foreach (var password in Passwords(uri))
            redacted = redacted.Replace(password, Mask, StringComparison.Ordinal);
        return redacted;
    }

    private static IEnumerable<string> Passwords(string? uri)
    {
        if (string.IsNullOrEmpty(uri)) yield break;
        var match = UserInfoPassword().Match(uri);
        if (!match.Success) yield break;
        var raw = match.Groups["password"].Value;
        if (raw.Length == 0) yield break;
        yield return raw;
        var decoded = System.Uri.UnescapeDataString(raw);
        if (decoded != raw) yield return decoded;
    }

    // scheme://user:password@ — any scheme, so a mistyped one (postgres://…) is masked too. A password cannot hold
    // a raw '@' or whitespace (it must be percent-encoded).
    [GeneratedRegex(@"([a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?<password>[^@\s]*)@", RegexOptions.IgnoreCase)]
    private static partial Regex UserInfoPassword();
}
