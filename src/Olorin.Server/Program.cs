using Olorin.Core.Serialization;
using Olorin.Server.Apis;
using Olorin.Server.Configuration;
using Olorin.Server.Errors;
using Olorin.Server.Health;
using Olorin.Server.Identity;
using Olorin.Server.Logging;
using Olorin.Server.OpenApi;
using Olorin.Server.Persistence;
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

await app.PrepareOlorinPersistenceAsync();
await app.RunAsync();

public partial class Program;
