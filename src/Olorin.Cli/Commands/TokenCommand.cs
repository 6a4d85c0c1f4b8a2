using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Olorin.Authentication;

namespace Olorin.Cli.Commands;

/// <summary>
/// <c>olorin token --tenant t1 --user u1 --scopes read,write [--expires 2h]</c>: mints an HS256 bearer token with the
/// server's shared key (<c>JWT_SECRET_KEY</c>, and <c>JWT_ISSUER</c> / <c>JWT_AUDIENCE</c> / the claim names when set),
/// read from the same settings as the server. Prints only the token on stdout, so <c>TOKEN=$(scripts/olorin token …)</c>
/// works; refuses (exit 1) without a key.
/// </summary>
public static class TokenCommand
{
    public static Command Create(IConfiguration? configuration = null, TimeProvider? clock = null)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant the token acts in (claim JWT_TENANT_CLAIM, default tenant_id).", Required = true };
        var user = new Option<string>("--user") { Description = "The user the token acts as (claim JWT_USER_CLAIM, default sub).", Required = true };
        var scopes = new Option<string>("--scopes") { Description = "Comma-separated scopes: read, write (write may also read), admin (with read: every tenant's ids in /status/migration/details).", Required = true };
        var expires = new Option<string>("--expires") { Description = "Lifetime, such as 90s, 30m, 2h or 7d.", DefaultValueFactory = _ => "1h" };

        var command = new Command("token", "Mints a bearer token signed with JWT_SECRET_KEY, for local use and scripts.") { tenant, user, scopes, expires };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var settings = JwtSettings.Read(configuration ?? ServerSettings());
                var lifetime = Lifetime(parse.GetValue(expires)!);
                var granted = parse.GetValue(scopes)!.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var now = (clock ?? TimeProvider.System).GetUtcNow();
                output.WriteLine(JwtTokenMinter.Mint(settings, parse.GetValue(tenant)!, parse.GetValue(user)!, granted, lifetime, now));
                error.WriteLine($"olorin token: tenant {parse.GetValue(tenant)}, user {parse.GetValue(user)}, scopes {string.Join(' ', granted)}, expires {(now + lifetime).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
                return 0;
            }
            catch (Exception refused) when (refused is AuthSettingsException or ArgumentException)
            {
                error.WriteLine($"olorin token: {refused.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>The server's sources, lowest precedence first: <c>appsettings.json</c> beside the binary, then the environment.</summary>
    private static IConfiguration ServerSettings() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
        .AddEnvironmentVariables()
        .Build();

    private static TimeSpan Lifetime(string text)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var seconds = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        return seconds > 0 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? TimeSpan.FromSeconds((double)count * seconds)
            : throw new ArgumentException($"--expires must be a positive duration such as 90s, 30m, 2h or 7d, not '{text}'.");
    }
}
