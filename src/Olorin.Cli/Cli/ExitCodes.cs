namespace Olorin.Cli.Cli;

/// <summary>Exit codes of every command: 0 only on full success.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and found a failure: a difference, a failed document, a failed check, a missed target.</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: bad arguments or settings, a database that cannot be reached or prepared.</summary>
    public const int Unusable = 2;
}

/// <summary>A problem that stops a command before it could do its work; printed as one line, exit <see cref="ExitCodes.Unusable"/>.</summary>
public sealed class CliException(string message) : Exception(message);
