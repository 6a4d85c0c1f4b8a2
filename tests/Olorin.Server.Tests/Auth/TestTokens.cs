using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Olorin.Authentication;

namespace Olorin.Server.Tests.Auth;

/// <summary>Real HS256 tokens for a server configured with <see cref="Settings"/>: minted by the CLI's minter, or built by hand to be wrong in one way.</summary>
public static class TestTokens
{
    public const string SecretKey = "olorin-test-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string Issuer = "https://issuer.olorin.test";
    public const string Audience = "olorin-api";

    public static Dictionary<string, string?> Settings => new()
    {
        ["AUTH_MODE"] = "jwt",
        ["JWT_SECRET_KEY"] = SecretKey,
        ["JWT_ISSUER"] = Issuer,
        ["JWT_AUDIENCE"] = Audience,
    };

    public static JwtSettings JwtSettings => Olorin.Authentication.JwtSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());

    /// <summary>A valid token, minted exactly as <c>scripts/olorin token</c> mints it.</summary>
    public static string Mint(string tenant, string user, params string[] scopes)
        => JwtTokenMinter.Mint(JwtSettings, tenant, user, scopes, TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow);

    public static SigningCredentials SharedKey => Hmac(SecretKey);

    public static SigningCredentials Hmac(string key) => new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256);

    /// <summary>A token built by hand: valid for a day, issuer and audience as configured, unless <paramref name="change"/> says otherwise.</summary>
    public static string Build(Dictionary<string, object> claims, SigningCredentials? credentials, Action<SecurityTokenDescriptor>? change = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddDays(1), // theory data is built at discovery, possibly minutes before the test runs
            Claims = claims,
            SigningCredentials = credentials,
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static Dictionary<string, object> Claims(string tenant, string user, string scope) => new()
    {
        ["sub"] = user,
        ["tenant_id"] = tenant,
        ["scope"] = scope,
    };

    public static HttpClient WithToken(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
