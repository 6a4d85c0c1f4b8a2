namespace Olorin.Authentication;

/// <summary>
/// The scopes a token grants. <c>read</c> serves every read endpoint, <c>write</c> every endpoint (a writer may read).
/// <c>admin</c> is the operator's view across tenants and grants nothing on its own: with <c>read</c> (or <c>write</c>)
/// it shows every tenant's document ids in <c>/status/migration/details</c>, which otherwise shows only the caller's
/// tenant's. There is no operator endpoint that changes state.
/// </summary>
public static class OlorinScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Write, Admin];

    /// <summary>The scopes that let a request with this HTTP method through: reads need read or write, the rest write.</summary>
    public static IReadOnlyList<string> SatisfyingFor(string httpMethod)
        => IsRead(httpMethod) ? [Read, Write] : [Write];

    public static bool IsRead(string httpMethod)
        => HttpMethodsEqual(httpMethod, "GET") || HttpMethodsEqual(httpMethod, "HEAD") || HttpMethodsEqual(httpMethod, "OPTIONS");

    private static bool HttpMethodsEqual(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
