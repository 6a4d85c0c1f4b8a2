using System.Globalization;
using Serilog;
using Serilog.Formatting.Compact;

namespace Olorin.Server.Logging;

public static class LoggingRegistration
{
    public const string LogFileVariable = "LOG_FILE";

    /// <summary>The console template: Serilog's default plus the trace id of the request (empty outside one).</summary>
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {TraceId}{NewLine}{Exception}";

    /// <summary>A <c>LOG_FILE</c> rolls over to <c>name_001.ext</c>, … at this size; the newest files are kept.</summary>
    public const long LogFileSizeLimitBytes = 100L * 1024 * 1024;
    public const int RetainedLogFiles = 10;

    /// <summary>
    /// Serilog to the console, configured from the <c>Serilog</c> section, and to <c>LOG_FILE</c> in compact JSON when
    /// set. The host's logger stays its own: the static <c>Log.Logger</c> is left alone (<c>preserveStaticLogger</c>),
    /// because a process may host several servers (the tests do) and one host's disposal must not dispose the logger
    /// another is using.
    /// </summary>
    public static WebApplicationBuilder AddOlorinLogging(this WebApplicationBuilder builder)
    {
        var logFile = LogFile(builder.Configuration);
        builder.Services.AddSerilog((services, logger) => WriteTo(logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext(), logFile),
            preserveStaticLogger: true);
        return builder;
    }

    /// <summary>Start-up's own logger (before the host's exists): the same sinks, at the default level.</summary>
    public static Serilog.Core.Logger CreateStartupLogger(IConfiguration? configuration)
        => WriteTo(new LoggerConfiguration(), configuration is null ? null : LogFile(configuration)).CreateLogger();

    private static LoggerConfiguration WriteTo(LoggerConfiguration logger, string? logFile)
    {
        logger.Enrich.With<MongoDbSourceEnricher>()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture);
        // Compact JSON carries the trace and span ids (@tr, @sp) of every event logged inside a request. Shared: the
        // start-up logger and the host's logger write the same file.
        if (logFile is not null)
            logger.WriteTo.File(new CompactJsonFormatter(), logFile, shared: true,
                fileSizeLimitBytes: LogFileSizeLimitBytes, rollOnFileSizeLimit: true, retainedFileCountLimit: RetainedLogFiles);
        return logger;
    }

    /// <summary>The full path of <c>LOG_FILE</c> (null when unset), its folder created; a folder that cannot be created stops start-up.</summary>
    public static string? LogFile(IConfiguration configuration)
    {
        var value = configuration[LogFileVariable];
        if (string.IsNullOrWhiteSpace(value)) return null;
        try
        {
            var path = Path.GetFullPath(value);
            if (path.EndsWith(Path.DirectorySeparatorChar)) throw new IOException("it names a folder, not a file");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new StartupAbortedException($"{LogFileVariable} ({value}) cannot be written: {ex.Message}");
        }
    }
}
