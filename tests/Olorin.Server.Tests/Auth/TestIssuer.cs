using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Olorin.Server.Tests.Auth;

/// <summary>
/// A small OpenID Connect issuer on 127.0.0.1 (Kestrel, port 0): its discovery document and its JWKS with one RSA
/// signing key. A bare Kestrel server rather than a host, so that WebApplicationFactory's host interception in the
/// same process cannot confuse the two.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    public const string KeyId = "issuer-key-1";

    private readonly KestrelServer _server;

    private TestIssuer(KestrelServer server) => _server = server;

    public RSA Key { get; } = RSA.Create(2048);

    /// <summary>The issuer URL (<c>iss</c> of its tokens, <c>JWT_AUTHORITY</c> of the server), without a trailing slash.</summary>
    public string Authority { get; private set; } = "";

    public int JwksRequests;

    public SigningCredentials Credentials => new(new RsaSecurityKey(Key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);

    /// <summary>The JWKS document exactly as served.</summary>
    public string Jwks
    {
        get
        {
            var parameters = Key.ExportParameters(includePrivateParameters: false);
            return JsonSerializer.Serialize(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            });
        }
    }

    public static async Task<TestIssuer> StartAsync(CancellationToken cancellationToken)
    {
        var options = new KestrelServerOptions { ApplicationServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        options.Listen(IPAddress.Loopback, 0);
        var server = new KestrelServer(
            Options.Create(options),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance),
            NullLoggerFactory.Instance);
        var issuer = new TestIssuer(server);
        await server.StartAsync(new Application(issuer), cancellationToken);
        issuer.Authority = server.Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return issuer;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(CancellationToken.None);
        _server.Dispose();
        Key.Dispose();
    }

    private sealed class Application(TestIssuer issuer) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public async Task ProcessRequestAsync(HttpContext context)
        {
            string json;
            switch (context.Request.Path.Value)
            {
                case "/.well-known/openid-configuration":
                    json = JsonSerializer.Serialize(new
                    {
                        issuer = issuer.Authority,
                        jwks_uri = $"{issuer.Authority}/jwks",
                        id_token_signing_alg_values_supported = new[] { "RS256" },
                    });
                    break;
                case "/jwks":
                    Interlocked.Increment(ref issuer.JwksRequests);
                    json = issuer.Jwks;
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        }

        public void DisposeContext(HttpContext context, Exception? exception) { }
    }
}
