using System.CommandLine;
using Olorin.Cli.Cli;
using Olorin.Cli.Setup;

namespace Olorin.Cli.Commands;

/// <summary><c>olorin verify-setup</c>: the runbook's seven checks, in its PASS/FAIL summary format.</summary>
public static class VerifySetupCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var target = new Option<string?>("--target")
        {
            Description = "mongodb (default: MONGODB_URI, MONGODB_DATABASE), postgres (DATABASE_URL), or a mongodb(+srv):// / postgresql:// URL.",
        };
        var command = new Command("verify-setup", """
            Run the seven set-up checks of the migration runbook and print its PASS/FAIL summary:
              1 Connection (server version; MongoDB 7.0 or later)   2 Collections (all ten, of the right kind)
              3 Indexes (keys and options, not just names)          4 Time Series (timeField, metaField, granularity)
              5 Vector Search (anomaly_vector_index: vectorSearch, 384 dimensions, cosine, filter fields, queryable)
              6 Permissions (a scratch document written, read and removed)   7 Performance (latency probe)
            Nothing is created: a failed check says what to change. With --target postgres the PostgreSQL equivalents
            run (tables, indexes, schema migrations, pgvector, permissions, latency).

            Examples:
              olorin verify-setup                                    # MONGODB_URI / MONGODB_DATABASE
              olorin verify-setup --target mongodb+srv://user:pw@cluster.mongodb.net/olorin --json
              olorin verify-setup --target postgres                  # DATABASE_URL
            Exit code: 0 when all seven checks pass, 1 when any fails, 2 on bad arguments or settings.
            """);
        command.Options.Add(target);
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "verify-setup", async () =>
            {
                var spec = EndpointSpec.Resolve(parse.GetValue(target), Backend.MongoDb, CliConfiguration.Build(), "--target");
                var (title, backend, checks) = spec.Backend == Backend.MongoDb
                    ? ("🔍 MongoDB Setup", "MongoDB", await MongoSetupChecks.RunAsync(spec.Mongo!, cancellationToken))
                    : ("🔍 PostgreSQL Setup", "PostgreSQL", await PostgresSetupChecks.RunAsync(spec, cancellationToken));
                output.Text(SetupReport.Render(title, checks, backend));
                output.Result(SetupReport.Json(spec.Backend == Backend.MongoDb ? "mongodb" : "postgres", spec.Description, checks));
                return checks.All(c => c.Passed) ? ExitCodes.Success : ExitCodes.Failed;
            });
        });
        return command;
    }
}
