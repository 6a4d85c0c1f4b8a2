namespace Olorin.Server.Apis;

/// <summary>
/// An id a client chooses must stay addressable as one path segment of its resource's URL: not a literal route of
/// the same collection (<c>/detection-runs/stats</c> would never reach run "stats"), not "." or ".." (normalised
/// away by the server), and without "/".
/// </summary>
internal static class ResourceIds
{
    public static void RequireAddressable(ValidationErrors errors, string field, string? id, params string[] reservedSegments)
    {
        if (string.IsNullOrEmpty(id)) return;
        if (id.Contains('/'))
            errors.Add(field, $"{field} must not contain '/'.");
        else if (id is "." or ".." || reservedSegments.Contains(id, StringComparer.OrdinalIgnoreCase))
            errors.Add(field, $"{field} '{id}' is reserved: it names a route, not a resource.");
    }
}
