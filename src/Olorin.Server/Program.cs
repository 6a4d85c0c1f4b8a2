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

var builder = WebApplication.CreateBuilder(args);
builder.AddOlorinConfiguration(args);
builder.UseOlorinDefaultUrls();

builder.AddOlorinLogging();
builder.AddOlorinOptions();
builder.AddOlorinPersistence();
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
app.MapInvestigationsApi();
app.MapTransactionScoresApi();
app.MapTemplatesApi();
app.MapComposioConnectionsApi();
app.MapComposioActionAuditsApi();
app.MapSoarExecutionsApi();

await app.PrepareOlorinPersistenceAsync();
await app.RunAsync();

public partial class Program;
