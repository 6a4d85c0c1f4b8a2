namespace Olorin.Authentication;

/// <summary>
/// The scopes a token grants. <c>read</c> serves every read endpoint, <c>write</c> every endpoint (a writer may read).
/// There is no operator endpoint that changes state, so no <c>admin</c> scope yet.
/// </summary>
public static class OlorinScopes
{
    public const string Read = "read";
    public const string Write = "write";

    public static readonly IReadOnlyList<string> All = [Read, Write];

    /// <summary>The scopes that let a request with this HTTP method through: reads need read or write, the rest write.</summary>
    public static IReadOnlyList<string> SatisfyingFor(string httpMethod)
        => IsRead(httpMethod) ? [Read, Write] : [Write];

    public static bool IsRead(string httpMethod)
        => HttpMethodsEqual(httpMethod, "GET") || HttpMethodsEqual(httpMethod, "HEAD") || HttpMethodsEqual(httpMethod, "OPTIONS");

    private static bool HttpMethodsEqual(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
