using System.Diagnostics;
using System.Text.Json;

namespace Olorin.Migration.Tests;

/// <summary>Runs the operator CLI (olorin.dll, built next to the tests) as a real process.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;

    private CliProcess(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "olorin.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Only what the test passes: no DATABASE_URL / MONGODB_* of the machine.
        foreach (var name in new[] { "DATABASE_URL", "MONGODB_URI", "MONGODB_DATABASE" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        process = Process.Start(start)!;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    public static CliProcess Start(params string[] args) => new(args);

    public static CliProcess StartWith(IReadOnlyDictionary<string, string> environment, params string[] args) => new(args, environment);

    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var cli = Start(args);
        return await cli.WaitAsync(timeout);
    }

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"olorin did not finish within {timeout}: {await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL: no chance to clean up, as kill -9.</summary>
    public void KillHard() => process.Kill(entireProcessTree: true);

    public bool HasExited => process.HasExited;

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
