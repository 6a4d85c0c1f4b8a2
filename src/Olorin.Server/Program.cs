using Microsoft.Extensions.Options;
using Olorin.Core.Serialization;
using Olorin.Server;
using Olorin.Server.Apis.Anomalies;
using Olorin.Server.Apis.Composio;
using Olorin.Server.Apis.DetectionRuns;
using Olorin.Server.Apis.Detectors;
using Olorin.Server.Apis.Investigations;
using Olorin.Server.Apis.Polling;
using Olorin.Server.Apis.Soar;
using Olorin.Server.Apis.Templates;
using Olorin.Server.Apis.TransactionScores;
using Olorin.Server.Caching;
using Olorin.Server.Configuration;
using Olorin.Server.Embeddings;
using Olorin.Server.Edge;
using Olorin.Server.Errors;
using Olorin.Server.Health;
using Olorin.Server.Identity;
using Olorin.Server.Logging;
using Olorin.Server.Migration;
using Olorin.Server.Observability;
using Olorin.Server.OpenApi;
using Olorin.Server.Persistence;
using Olorin.Server.Phases;
using Olorin.Server.Security;
using Olorin.Server.Status;
using Serilog;
using Serilog.Extensions.Logging;

// Start-up's own logger, until the host's Serilog pipeline exists. Kept local (not the static Log.Logger), because
// in-process hosts (tests) start several servers in one process. Console only until the settings (LOG_FILE) are read.
var startupLogger = LoggingRegistration.CreateStartupLogger(null);
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOlorinConfiguration(args);
    builder.UseOlorinDefaultUrls();
    var withLogFile = LoggingRegistration.CreateStartupLogger(builder.Configuration);
    await startupLogger.DisposeAsync();
    startupLogger = withLogFile;
    builder.AddOlorinEdgeLimits();

    if (MongoBootstrapCommand.IsRequested(args))
        return await MongoBootstrapCommand.RunAsync(builder.Configuration, new SerilogLoggerFactory(startupLogger).CreateLogger("Olorin.Bootstrap"), CancellationToken.None);

    builder.AddOlorinLogging();
    builder.AddOlorinOptions();
    builder.AddOlorinObservability();
    await builder.AddOlorinPersistenceAsync(new SerilogLoggerFactory(startupLogger).CreateLogger("Olorin.Startup"));
    builder.AddOlorinMigrationGate();
    builder.Services.ConfigureHttpJsonOptions(options => OlorinJson.Configure(options.SerializerOptions));
    builder.Services.AddOlorinProblemDetails();
    builder.AddOlorinAuthentication(new SerilogLoggerFactory(startupLogger).CreateLogger("Olorin.Startup"));
    builder.Services.AddRequestIdentity();
    builder.Services.AddOlorinDataProtection(builder.Configuration);
    builder.Services.AddOlorinCrossOrigin();
    builder.Services.AddOlorinPolling();
    builder.Services.AddSingleton<ServerInfo>();
    builder.Services.AddOlorinOpenApi();
    builder.Services.AddOlorinEmbeddings(builder.Configuration);
    builder.Services.AddOlorinQueryCache();

    var app = builder.Build();

    // Outermost, so it records the status the client finally gets; with the host's own logger (see AddOlorinLogging).
    app.UseSerilogRequestLogging(options => options.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
    app.UseOlorinObservability();
    app.UseOlorinCrossOrigin();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseOlorinRequestGuard();
    app.UseOlorinOpenApi();
    app.UseAuthentication();
    app.UseAuthorization();
    // API requests wait for the write-back marker check a database down at start-up deferred (503 meanwhile).
    app.UseWriteBackCheck();
    // After authentication: the polling limit is partitioned by the caller's tenant and user.
    app.UsePollingRateLimiter();

    // Monitoring needs no token; every resource API needs the read or write scope (ApiAuthorization): map each
    // new API inside one of the two groups.
    var monitoring = app.MapAnonymousGroup();
    monitoring.MapHealthApi();
    app.MapMetricsApi(); // anonymous itself (a WebApplication extension)
    monitoring.MapStatusApi();
    monitoring.MapMongoStatusApi();
    monitoring.MapMigrationStatusApi();

    var api = app.MapApiGroup();
    api.MapInvestigationsApi();
    api.MapInvestigationSearchApi();
    api.MapPollingApi();
    api.MapDetectorsApi();
    api.MapDetectionRunsApi();
    api.MapAnomaliesApi();
    api.MapTransactionScoresApi();
    api.MapTemplatesApi();
    api.MapComposioConnectionsApi();
    api.MapComposioActionAuditsApi();
    api.MapSoarExecutionsApi();
    api.MapMigrationStatusDetailsApi(); // /status/migration with document ids: read scope

    await app.PrepareOlorinPersistenceAsync();
    await app.RunAsync();
    return Environment.ExitCode; // 1 when a check deferred at start-up refused to serve (WriteBackCheck)
}
catch (Exception ex) when (IsConfigurationError(ex) && RunsAsOwnProcess())
{
    // One line naming the setting to check, no stack trace: an operator error, not a bug. (Hosted in-process, as by
    // WebApplicationFactory, the exception propagates to the host instead.)
    startupLogger.Fatal("Olorin Server cannot start: {Reason}", ex is OptionsValidationException options ? string.Join(" ", options.Failures) : ex.Message);
    return 1;
}
finally
{
    await startupLogger.DisposeAsync();
}

public partial class Program
{
    private static bool RunsAsOwnProcess() => System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly;

    /// <summary>
    /// A setting that is invalid (validation) or not even of the right type: the configuration binder reports the
    /// latter as "Failed to convert configuration value at 'KEY' …", which names the variable.
    /// </summary>
    private static bool IsConfigurationError(Exception ex)
        => ex is StartupAbortedException or OptionsValidationException
           || (ex is InvalidOperationException && ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal));
}
