using Serilog;

namespace Olorin.Server.Logging;

public static class LoggingRegistration
{
    /// <summary>Serilog to the console, configured from the <c>Serilog</c> section.</summary>
    public static WebApplicationBuilder AddOlorinLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        return builder;
    }
}
