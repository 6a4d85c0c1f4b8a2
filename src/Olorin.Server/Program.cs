using System.Globalization;
using Microsoft.Extensions.Options;
using Olorin.Core.Serialization;
using Olorin.Server.Apis;
using Olorin.Server.Apis.Composio;
using Olorin.Server.Apis.Soar;
using Olorin.Server.Apis.Templates;
using Olorin.Server.Apis.TransactionScores;
using Olorin.Server.Configuration;
using Olorin.Server.Errors;
using Olorin.Server.Health;
using Olorin.Server.Identity;
using Olorin.Server.Logging;
using Olorin.Server.OpenApi;
using Olorin.Server.Persistence;
using Olorin.Server.Security;
using Olorin.Server.Status;
using Serilog;
using Serilog.Extensions.Logging;

Log.Logger = new LoggerConfiguration().WriteTo.Console(formatProvider: CultureInfo.InvariantCulture).CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOlorinConfiguration(args);
    builder.UseOlorinDefaultUrls();

    builder.AddOlorinLogging();
    builder.AddOlorinOptions();
    await builder.AddOlorinPersistenceAsync(new SerilogLoggerFactory(Log.Logger).CreateLogger("Olorin.Startup"));
    builder.Services.ConfigureHttpJsonOptions(options => OlorinJson.Configure(options.SerializerOptions));
    builder.Services.AddOlorinProblemDetails();
    builder.Services.AddRequestIdentity();
    builder.Services.AddOlorinDataProtection(builder.Configuration);
    builder.Services.AddSingleton<ServerInfo>();
    builder.Services.AddOlorinOpenApi();

    var app = builder.Build();

    app.UseSerilogRequestLogging(); // outermost, so it records the status the client finally gets
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseOlorinOpenApi();

    app.MapHealthApi();
    app.MapStatusApi();
    app.MapMongoStatusApi();
    app.MapInvestigationsApi();
    app.MapTransactionScoresApi();
    app.MapTemplatesApi();
    app.MapComposioConnectionsApi();
    app.MapComposioActionAuditsApi();
    app.MapSoarExecutionsApi();

    await app.PrepareOlorinPersistenceAsync();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is StartupAbortedException or OptionsValidationException)
{
    // One line naming the setting to check, no stack trace: an operator error, not a bug.
    Log.Fatal("Olorin Server cannot start: {Reason}", ex is OptionsValidationException options ? string.Join(" ", options.Failures) : ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

public partial class Program;
