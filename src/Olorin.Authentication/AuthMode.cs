using Microsoft.Extensions.Configuration;

namespace Olorin.Authentication;

/// <summary>How a request proves who it is from (<c>AUTH_MODE</c>).</summary>
public enum AuthMode
{
    /// <summary>A JWT bearer token, verified with a shared key or an issuer's signing keys. The default.</summary>
    Jwt,

    /// <summary>The <c>X-Tenant-Id</c> / <c>X-User-Id</c> headers, believed as sent: trusted networks and local development only.</summary>
    Headers,
}

public static class AuthModes
{
    public const string Variable = "AUTH_MODE";

    /// <summary><c>AUTH_MODE</c>: <c>jwt</c> (also when unset: secure by default) or <c>headers</c>, in any case.</summary>
    public static AuthMode Read(IConfiguration configuration)
    {
        var value = configuration[Variable]?.Trim();
        if (string.IsNullOrEmpty(value) || value.Equals("jwt", StringComparison.OrdinalIgnoreCase)) return AuthMode.Jwt;
        if (value.Equals("headers", StringComparison.OrdinalIgnoreCase)) return AuthMode.Headers;
        throw new AuthSettingsException($"{Variable} must be 'jwt' (the default) or 'headers', not '{value}'.");
    }

    public static string Name(this AuthMode mode) => mode == AuthMode.Jwt ? "jwt" : "headers";
}
