using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary>A server in <c>AUTH_MODE=jwt</c> with the shared key, issuer and audience of <see cref="TestTokens"/>.</summary>
public sealed class JwtApiFixture : PostgresApiFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in TestTokens.Settings) settings[key] = value;
    }

    public HttpClient Client(string token) => Factory.CreateClient().WithToken(token);
}
