using Serilog;

namespace Olorin.Server.Logging;

public static class LoggingRegistration
{
    /// <summary>
    /// Serilog to the console, configured from the <c>Serilog</c> section. The host's logger stays its own: the static
    /// <c>Log.Logger</c> is left alone (<c>preserveStaticLogger</c>), because a process may host several servers (the
    /// tests do) and one host's disposal must not dispose the logger another is using.
    /// </summary>
    public static WebApplicationBuilder AddOlorinLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture),
            preserveStaticLogger: true);
        return builder;
    }
}
