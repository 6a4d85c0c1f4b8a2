using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Olorin.Authentication;

/// <summary>
/// The <c>JWT_*</c> settings: how the server verifies bearer tokens and how <c>scripts/olorin token</c> mints them.
/// Read by both from the same variables, so a minted token is one the server accepts. A class, not a record: a
/// record's generated <c>ToString</c> would print the key.
/// </summary>
public sealed class JwtSettings
{
    public const string SecretKeyVariable = "JWT_SECRET_KEY";
    public const string AuthorityVariable = "JWT_AUTHORITY";
    public const string IssuerVariable = "JWT_ISSUER";
    public const string AudienceVariable = "JWT_AUDIENCE";
    public const string ClockSkewVariable = "JWT_CLOCK_SKEW_SECONDS";
    public const string UserClaimVariable = "JWT_USER_CLAIM";
    public const string TenantClaimVariable = "JWT_TENANT_CLAIM";
    public const string RequireHttpsMetadataVariable = "JWT_REQUIRE_HTTPS_METADATA";

    /// <summary>HS256 needs a key at least as long as its 256-bit output (RFC 7518 §3.2).</summary>
    public const int MinimumKeyBytes = 32;

    public const int DefaultClockSkewSeconds = 30;
    public const int MaxClockSkewSeconds = 300;

    /// <summary>The algorithms accepted from an issuer's keys: asymmetric only, so a public key can never serve as an HMAC secret.</summary>
    public static readonly IReadOnlyList<string> AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private JwtSettings() { }

    /// <summary>The shared HS256 key (UTF-8 bytes of <c>JWT_SECRET_KEY</c>), or null.</summary>
    public SymmetricSecurityKey? SigningKey { get; private init; }

    /// <summary>The OpenID Connect issuer whose metadata and JWKS give the signing keys, or null.</summary>
    public Uri? Authority { get; private init; }

    public string? Issuer { get; private init; }
    public string? Audience { get; private init; }
    public TimeSpan ClockSkew { get; private init; } = TimeSpan.FromSeconds(DefaultClockSkewSeconds);
    public string UserClaim { get; private init; } = OlorinClaimTypes.User;
    public string TenantClaim { get; private init; } = OlorinClaimTypes.Tenant;
    public bool RequireHttpsMetadata { get; private init; } = true;

    /// <summary>Reads and checks every <c>JWT_*</c> value; throws <see cref="AuthSettingsException"/> naming the first bad one.</summary>
    public static JwtSettings Read(IConfiguration configuration)
    {
        var secret = Value(configuration, SecretKeyVariable);
        if (secret is not null && Encoding.UTF8.GetByteCount(secret) < MinimumKeyBytes)
            throw new AuthSettingsException(
                $"{SecretKeyVariable} must be at least {MinimumKeyBytes} bytes (it has {Encoding.UTF8.GetByteCount(secret)}); generate one with: openssl rand -base64 48");

        var authority = Value(configuration, AuthorityVariable) is { } authorityText ? AuthorityUri(authorityText) : null;
        if (secret is not null && authority is not null)
            throw new AuthSettingsException(
                $"{SecretKeyVariable} and {AuthorityVariable} are both set: set one, a shared HS256 key or the issuer whose signing keys verify tokens.");

        var requireHttps = Boolean(configuration, RequireHttpsMetadataVariable, defaultValue: true);
        if (authority is not null && requireHttps && authority.Scheme != Uri.UriSchemeHttps)
            throw new AuthSettingsException(
                $"{AuthorityVariable} must be an https URL; {RequireHttpsMetadataVariable}=false allows http (a test issuer on this machine only).");

        return new JwtSettings
        {
            SigningKey = secret is null ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            Authority = authority,
            Issuer = Value(configuration, IssuerVariable),
            Audience = Value(configuration, AudienceVariable),
            ClockSkew = TimeSpan.FromSeconds(ClockSkewSeconds(configuration)),
            UserClaim = ClaimName(configuration, UserClaimVariable, OlorinClaimTypes.User),
            TenantClaim = ClaimName(configuration, TenantClaimVariable, OlorinClaimTypes.Tenant),
            RequireHttpsMetadata = requireHttps,
        };
    }

    /// <summary>For the server in <c>jwt</c> mode: something must verify signatures.</summary>
    public JwtSettings RequireVerifier()
        => SigningKey is null && Authority is null
            ? throw new AuthSettingsException(
                $"AUTH_MODE is jwt (the default) but neither {SecretKeyVariable} nor {AuthorityVariable} is set: set {SecretKeyVariable} to a shared HS256 key of at least {MinimumKeyBytes} bytes, or {AuthorityVariable} to your OpenID Connect issuer, or AUTH_MODE=headers on a trusted network.")
            : this;

    /// <summary>How the server checks a token: signature (by the key or the issuer's keys), lifetime, and issuer/audience when set.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = SigningKey is not null ? [SecurityAlgorithms.HmacSha256] : AsymmetricAlgorithms,
        // With an authority the issuer is always checked: JwtBearer adds the metadata's issuer to the valid ones.
        ValidateIssuer = Issuer is not null || Authority is not null,
        ValidIssuer = Issuer,
        ValidateAudience = Audience is not null,
        ValidAudience = Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        NameClaimType = UserClaim,
    };

    /// <summary>What verifies tokens, for the start-up log (never the key itself).</summary>
    public string Describe()
        => (SigningKey is not null ? "a shared HS256 key" : $"the signing keys of {Authority}")
           + (Issuer is null ? "" : $", issuer '{Issuer}'")
           + (Audience is null ? "" : $", audience '{Audience}'")
           + $", clock skew {ClockSkew.TotalSeconds:0} s, user claim '{UserClaim}', tenant claim '{TenantClaim}'";

    private static string? Value(IConfiguration configuration, string variable)
        => configuration[variable] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Uri AuthorityUri(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri
            : throw new AuthSettingsException(
                $"{AuthorityVariable} must be the issuer's absolute URL (https://login.example.com/realms/olorin), not '{text}'.");

    private static int ClockSkewSeconds(IConfiguration configuration)
    {
        if (Value(configuration, ClockSkewVariable) is not { } text) return DefaultClockSkewSeconds;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxClockSkewSeconds
            ? seconds
            : throw new AuthSettingsException($"{ClockSkewVariable} must be a whole number of seconds from 0 to {MaxClockSkewSeconds}, not '{text}'.");
    }

    private static string ClaimName(IConfiguration configuration, string variable, string defaultName)
    {
        if (configuration[variable] is not { } value) return defaultName;
        return value.Trim() is { Length: > 0 } name && !name.Any(char.IsWhiteSpace)
            ? name
            : throw new AuthSettingsException($"{variable} must name a claim (one word, such as {defaultName}), not '{value}'.");
    }

    private static bool Boolean(IConfiguration configuration, string variable, bool defaultValue)
    {
        if (Value(configuration, variable) is not { } text) return defaultValue;
        return bool.TryParse(text, out var value)
            ? value
            : throw new AuthSettingsException($"{variable} must be true or false, not '{text}'.");
    }
}
