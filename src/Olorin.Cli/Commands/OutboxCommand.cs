using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Cli.Cli;
using Olorin.Core.Phases;
using Spectre.Console;

namespace Olorin.Cli.Commands;

/// <summary>
/// <c>olorin outbox list-dead-letters | retry-dead-letters [--store …]</c>: the dead letters of a primary's change
/// outbox — changes the other store refused <c>OUTBOX_RELAY_MAX_ATTEMPTS</c> times, set aside so the relay goes on —
/// listed with their error, or put back in the outbox for the running relay to apply again.
/// </summary>
public static class OutboxCommand
{
    public static Command Create()
    {
        var command = new Command("outbox", "The change outbox of the migration phases: its dead letters (changes the other store refused).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Retry());
        return command;
    }

    private static Option<string?> Store() => new("--store")
    {
        Description = "The primary whose outbox to use: postgresql://… or mongodb(+srv)://…/db, or postgres / mongodb for the settings. Default: DATABASE_URL (PostgreSQL, the primary of dual); mongodb for mongo_primary.",
    };

    private static Command List()
    {
        var json = CommonOptions.Json();
        var store = Store();
        var limit = new Option<int>("--limit") { Description = "How many to list, the oldest first.", DefaultValueFactory = _ => 100 };
        var command = new Command("list-dead-letters", """
            Lists the dead letters: each key (collection, tenant, id), the attempts and the last error the other store
            gave. /status/migration counts them and is not safe to advance while there is one.
            Exit code: 0, also when there is none; 2 when the database cannot be reached.
            """) { store, limit, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "outbox list-dead-letters", async () =>
            {
                if (parse.GetValue(limit) is < 1 or > 100_000) throw new CliException("--limit must be between 1 and 100000.");
                await using var opened = await OpenAsync(parse.GetValue(store), cancellationToken);
                var outbox = opened.Services.GetRequiredService<IChangeOutbox>();
                var letters = await outbox.ListDeadLettersAsync(parse.GetValue(limit), cancellationToken);
                var depth = await outbox.DepthAsync(cancellationToken);
                var table = new Table().AddColumns("collection", "tenant", "id", "attempts", "dead since", "error");
                foreach (var l in letters)
                    table.AddRow(Markup.Escape(l.Key.Collection), Markup.Escape(l.Key.TenantId), Markup.Escape(l.Key.Id), l.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        l.DeadLetteredAt.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(CommandRunner.Redact(l.Error)));
                output.Human.Write(table);
                output.Line($"{depth.DeadLetters} dead letter(s); {depth.Entries} change(s) waiting in the outbox.");
                output.Result(new
                {
                    dead_letters = depth.DeadLetters,
                    outbox_depth = depth.Entries,
                    listed = letters.Select(l => new { l.Key.Collection, tenant_id = l.Key.TenantId, id = l.Key.Id, l.Attempts, error = CommandRunner.Redact(l.Error), dead_lettered_at = l.DeadLetteredAt.UtcDateTime }),
                });
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command Retry()
    {
        var json = CommonOptions.Json();
        var store = Store();
        var command = new Command("retry-dead-letters", """
            Puts every dead letter back in the outbox, its attempts counted from zero: the relay of the running server
            copies the key's current state again. Fix the cause first (the error list-dead-letters shows); a change
            refused OUTBOX_RELAY_MAX_ATTEMPTS times again becomes a dead letter again.
            Exit code: 0; 2 when the database cannot be reached.
            """) { store, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "outbox retry-dead-letters", async () =>
            {
                await using var opened = await OpenAsync(parse.GetValue(store), cancellationToken);
                var retried = await opened.Services.GetRequiredService<IChangeOutbox>().RetryDeadLettersAsync(cancellationToken);
                output.Line($"{retried} dead letter(s) put back in the outbox of {Markup.Escape(opened.Spec.Description)}.");
                output.Result(new { retried });
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task<OpenedEndpoint> OpenAsync(string? store, CancellationToken cancellationToken)
    {
        var spec = EndpointSpec.Resolve(store, Backend.Postgres, CliConfiguration.Build(), "--store");
        return await OpenedEndpoint.OpenAsync(spec, "store", prepare: false, cancellationToken);
    }
}
