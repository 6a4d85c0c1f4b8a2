using Olorin.Persistence.Mongo.Settings;
using Spectre.Console;

namespace Olorin.Cli.Cli;

/// <summary>Runs a command body, turning a <see cref="CliException"/> or an unexpected error into one line and an exit code.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(CliOutput output, string command, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException ex)
        {
            return Fail(output, command, ex.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(output, command, "cancelled");
        }
        catch (Exception ex)
        {
            // Driver messages may quote a connection string; never print a password.
            return Fail(output, command, $"{ex.GetType().Name}: {Redact(ex.Message)}");
        }
    }

    public static string Redact(string text) => PostgresPasswords().Replace(MongoUriRedactor.RedactText(text), "${1}***");

    private static System.Text.RegularExpressions.Regex PostgresPasswords()
        => new(@"((?:postgres(?:ql)?://[^:/@\s]+:)|(?:Password\s*=\s*))[^@;\s]+", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static int Fail(CliOutput output, string command, string message)
    {
        // One line whatever its length (Spectre would wrap it at the console width): scripts grep it.
        output.Human.Profile.Out.Writer.WriteLine($"olorin {command}: {message}");
        output.Result(new { command, success = false, error = message });
        return ExitCodes.Unusable;
    }
}
