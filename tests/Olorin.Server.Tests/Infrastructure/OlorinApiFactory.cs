using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Olorin.Server.Tests.Infrastructure;

/// <summary>
/// The real server in memory, configured through the same keys as production (the seed's variable names);
/// <paramref name="services"/>, when given, replaces services after the server's own registrations (a fake clock).
/// </summary>
public sealed class OlorinApiFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string Environment = "Testing";

    /// <summary>Settings for a server over <paramref name="connectionString"/>, migrating it at start-up.</summary>
    public static Dictionary<string, string?> SettingsFor(string connectionString, bool migrate = true) => new()
    {
        ["DATABASE_URL"] = "",
        // The API tests speak header identity; the token tests (tests/…/Auth) switch to jwt. Unset means jwt.
        ["AUTH_MODE"] = "headers",
        ["ConnectionStrings:Postgres"] = connectionString,
        ["Database:MigrateOnStartup"] = migrate ? "true" : "false",
        // Test servers keep their Data Protection key ring out of the user's profile.
        ["DataProtection:KeysPath"] = Path.Combine(Path.GetTempPath(), "olorin-server-tests", "data-protection-keys"),
        // No model in servers whose tests do not need it (5 s and 300 MiB each); embedding tests turn it on.
        ["EMBEDDING_ENABLED"] = "false",
        // The suite starts many servers against one local cluster (max_connections 100): no warm-up (it would open
        // every search connection) and one search connection each. Tests about the warm-up set their own.
        ["PGVECTOR_WARMUP_QUERIES"] = "0",
        ["PGVECTOR_SEARCH_CONNECTIONS"] = "1",
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Error",
        ["Serilog:MinimumLevel:Override:Olorin.Server.Errors"] = "Error",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureTestServices(services);
    }

    public HttpClient CreateClient(string tenant, string user)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", user);
        return client;
    }
}
