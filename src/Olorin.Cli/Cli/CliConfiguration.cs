using Microsoft.Extensions.Configuration;

namespace Olorin.Cli.Cli;

/// <summary>
/// The server's settings, layered the same way: appsettings.json, then appsettings.Mongo.json (both copied next to
/// the binary), then environment variables (DATABASE_URL, MONGODB_URI, MONGODB_DATABASE, …), which win.
/// </summary>
public static class CliConfiguration
{
    public static IConfiguration Build()
        => new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Mongo.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .Build();
}
