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

/// <summary>
/// The real server executable running on a free loopback port, for tests that must kill it without any chance to
/// clean up (<see cref="KillHard"/>, as kill -9).
/// </summary>
public sealed class RunningServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private RunningServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the server and waits until <c>/health/live</c> answers (the start-up preparation is done by then).</summary>
    public static async Task<RunningServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Olorin.Server.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var running = new RunningServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        running._process.OutputDataReceived += (_, e) => running.Append(e.Data);
        running._process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = running.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (running._process.HasExited) Assert.Fail($"The server exited ({running._process.ExitCode}) before answering: {running.Output}");
            try
            {
                if ((await client.GetAsync("/health/live", cancellationToken)).IsSuccessStatusCode) return running;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                await running.DisposeAsync();
                Assert.Fail($"The server did not answer within {timeout.TotalSeconds:0} s: {running.Output}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    public HttpClient CreateClient(string tenant, string user)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", user);
        return client;
    }

    /// <summary>Waits for the server to exit on its own; its exit code (a server still running then fails the test).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"The server did not exit within {timeout.TotalSeconds:0} s: {Output}");
        }
        _process.WaitForExit(); // the output handlers have seen the last line
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no hosted service stopping (as kill -9).</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillHardAsync();
        _process.Dispose();
    }
}
