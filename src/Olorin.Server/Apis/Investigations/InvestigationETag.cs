using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Olorin.Server.Apis.Investigations;

/// <summary>
/// The reference's weak ETag, <c>W/"&lt;version&gt;-&lt;8 hex&gt;"</c>: the first 8 hex digits of the MD5 of
/// id|version|status|stage|progress percentage|whether results exist.
/// </summary>
public static class InvestigationETag
{
    public static string For(Investigation investigation)
    {
        var fingerprint = string.Join('|',
            investigation.InvestigationId,
            investigation.Version.ToString(CultureInfo.InvariantCulture),
            WireEnum.ToWire(investigation.Status),
            WireEnum.ToWire(investigation.LifecycleStage),
            InvestigationReadings.ProgressPercentage(investigation.Progress).ToString(CultureInfo.InvariantCulture),
            investigation.Results is null ? "false" : "true");
        var hash = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(fingerprint)));
        return $"W/\"{investigation.Version}-{hash[..8]}\"";
    }

    /// <summary>Weak comparison against an <c>If-None-Match</c> header (a list of tags, or <c>*</c>).</summary>
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        var opaque = Opaque(etag);
        return ifNoneMatch
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Any(tag => tag == "*" || Opaque(tag) == opaque);
    }

    /// <summary>The version an <c>If-Match</c> header names (<c>W/"3-…"</c>, <c>"3"</c> or <c>3</c>); null when it names none.</summary>
    public static int? VersionOf(string ifMatch)
    {
        var opaque = Opaque(ifMatch.Trim());
        var dash = opaque.IndexOf('-');
        var number = dash >= 0 ? opaque[..dash] : opaque;
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1 ? version : null;
    }

    /// <summary>
    /// False when <paramref name="ifMatch"/> is a full ETag (<c>W/"3-1a2b3c4d"</c>) whose hash is not the one of
    /// <paramref name="current"/>: then it is not an ETag of this investigation. A plain version (<c>"3"</c>) carries no
    /// hash and agrees.
    /// </summary>
    public static bool HashAgrees(string ifMatch, Investigation current)
    {
        var opaque = Opaque(ifMatch.Trim());
        return !opaque.Contains('-') || opaque == Opaque(For(current));
    }

    private static string Opaque(string tag)
    {
        var value = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
    }
}
