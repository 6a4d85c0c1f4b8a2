using System.Diagnostics;

namespace Olorin.Server.Tests.Infrastructure;

/// <summary>Runs the real server executable (not in-process) with the given settings as environment variables.</summary>
public static class ServerProcess
{
    public sealed record Exit(int Code, string Output);

    /// <summary>Starts the server and waits for it to exit (a server that keeps running fails the test).</summary>
    public static async Task<Exit> RunUntilExitAsync(
        IReadOnlyDictionary<string, string?> settings, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Olorin.Server.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The server did not exit within {timeout.TotalSeconds:0} s.");
        }
        return new Exit(process.ExitCode, await stdout + await stderr);
    }
}
