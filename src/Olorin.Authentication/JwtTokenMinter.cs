using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Olorin.Authentication;

/// <summary>
/// Mints HS256 tokens with the configured shared key, carrying the claims the server reads (the configured user and
/// tenant claims, <c>scope</c>, and <c>iss</c>/<c>aud</c> when set): for local use, scripts and tests.
/// </summary>
public static class JwtTokenMinter
{
    public const int MaxIdLength = 255;

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="AuthSettingsException"/> without a shared key, <see cref="ArgumentException"/> for bad claims.</summary>
    public static string Mint(JwtSettings settings, string tenant, string user, IReadOnlyCollection<string> scopes, TimeSpan lifetime, DateTimeOffset now)
    {
        var key = settings.SigningKey ?? throw new AuthSettingsException(
            $"{JwtSettings.SecretKeyVariable} is not set: tokens are signed with the server's shared HS256 key. "
            + $"(With {JwtSettings.AuthorityVariable}, tokens come from that issuer.)");
        CheckId(tenant, "tenant");
        CheckId(user, "user");
        if (scopes.Count == 0) throw new ArgumentException($"Name at least one scope ({string.Join(", ", OlorinScopes.All)}).");
        if (scopes.FirstOrDefault(scope => !OlorinScopes.All.Contains(scope)) is { } unknown)
            throw new ArgumentException($"Unknown scope '{unknown}'; the scopes are {string.Join(", ", OlorinScopes.All)}.");
        if (lifetime <= TimeSpan.Zero) throw new ArgumentException("The lifetime must be positive.");

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [settings.UserClaim] = user,
                [settings.TenantClaim] = tenant,
                [OlorinClaimTypes.Scope] = string.Join(' ', scopes.Distinct()),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static void CheckId(string value, string what)
    {
        if (value is not { Length: >= 1 and <= MaxIdLength } || string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"The {what} must be 1–{MaxIdLength} characters.");
    }
}
