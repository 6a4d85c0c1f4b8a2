namespace Olorin.Server.Apis;

internal static class ResourceLocation
{
    /// <summary>
    /// The <c>Location</c> of a resource created by POSTing to its collection: the request's own path plus the escaped
    /// id, so it stays right under either route prefix and behind a path base.
    /// </summary>
    public static string Child(HttpRequest collectionRequest, string id)
        => $"{collectionRequest.PathBase}{collectionRequest.Path.Value!.TrimEnd('/')}/{Uri.EscapeDataString(id)}";
}
