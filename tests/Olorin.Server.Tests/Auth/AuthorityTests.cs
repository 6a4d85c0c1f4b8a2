using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Auth;

/// <summary>A server whose tokens come from an issuer (<c>JWT_AUTHORITY</c>): keys from its metadata and JWKS, RS256 only.</summary>
public sealed class AuthorityApiFixture : IAsyncLifetime
{
    public const string Audience = "olorin-api";

    private PostgresTestDatabase? _database;

    public TestIssuer Issuer { get; private set; } = null!;
    public OlorinApiFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync(TestContext.Current.CancellationToken);
        _database = await PostgresTestDatabase.CreateAsync();
        var settings = OlorinApiFactory.SettingsFor(_database.ConnectionString);
        settings["AUTH_MODE"] = "jwt";
        settings["JWT_AUTHORITY"] = Issuer.Authority;
        settings["JWT_REQUIRE_HTTPS_METADATA"] = "false"; // a test issuer on 127.0.0.1
        settings["JWT_AUDIENCE"] = Audience;
        Factory = new OlorinApiFactory(settings);
        _ = Factory.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

public sealed class AuthorityTests(AuthorityApiFixture fixture) : IClassFixture<AuthorityApiFixture>
{
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Token(SigningCredentials? credentials, Action<SecurityTokenDescriptor>? change = null)
        => TestTokens.Build(TestTokens.Claims(_tenant, "u1", "read write"), credentials, d =>
        {
            d.Issuer = fixture.Issuer.Authority;
            d.Audience = AuthorityApiFixture.Audience;
            change?.Invoke(d);
        });

    private HttpClient Client(string token) => fixture.Factory.CreateClient().WithToken(token);

    [Fact]
    public async Task A_token_signed_by_the_issuers_key_works()
    {
        var client = Client(Token(fixture.Issuer.Credentials));
        var id = (await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
        await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(fixture.Issuer.JwksRequests >= 1);
    }

    public static TheoryData<string> Forgeries() =>
    [
        "another RSA key under the issuer's key id",
        "an unknown key id",
        "HS256 with the JWKS document as the secret",
        "HS256 with the public key's PEM as the secret",
        "HS256 with the modulus as the secret",
        "alg none",
        "another issuer",
        "another audience",
        "expired",
    ];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_token_the_issuer_did_not_sign_as_configured_is_401(string forgery)
    {
        using var otherKey = RSA.Create(2048);
        var issuerKey = fixture.Issuer.Key;
        var now = DateTime.UtcNow;
        var token = forgery switch
        {
            "another RSA key under the issuer's key id" => Token(new SigningCredentials(new RsaSecurityKey(otherKey) { KeyId = TestIssuer.KeyId }, SecurityAlgorithms.RsaSha256)),
            "an unknown key id" => Token(new SigningCredentials(new RsaSecurityKey(otherKey) { KeyId = "unknown-key" }, SecurityAlgorithms.RsaSha256)),
            "HS256 with the JWKS document as the secret" => Token(Hmac(Encoding.UTF8.GetBytes(fixture.Issuer.Jwks), TestIssuer.KeyId)),
            "HS256 with the public key's PEM as the secret" => Token(Hmac(Encoding.UTF8.GetBytes(issuerKey.ExportSubjectPublicKeyInfoPem()), TestIssuer.KeyId)),
            "HS256 with the modulus as the secret" => Token(Hmac(issuerKey.ExportParameters(false).Modulus!, TestIssuer.KeyId)),
            "alg none" => Token(credentials: null),
            "another issuer" => Token(fixture.Issuer.Credentials, d => d.Issuer = "https://evil.example.com"),
            "another audience" => Token(fixture.Issuer.Credentials, d => d.Audience = "another-api"),
            "expired" => Token(fixture.Issuer.Credentials, d => { d.IssuedAt = now.AddHours(-2); d.NotBefore = now.AddHours(-2); d.Expires = now.AddMinutes(-5); }),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        var response = await Client(token).GetAsync("/investigations", Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    private static SigningCredentials Hmac(byte[] secret, string keyId)
        => new(new SymmetricSecurityKey(secret) { KeyId = keyId }, SecurityAlgorithms.HmacSha256);
}
