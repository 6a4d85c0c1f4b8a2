using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Olorin.Migration.Tests;

/// <summary>
/// <c>migrate</c> prepares the target while it opens the source (without a preflight), or stages it while it opens and
/// scans the source (with one): a source that cannot be opened stops that preparation and is reported at once, not
/// after the target's preparation has run its course.
/// </summary>
public sealed class UnreachableSourceTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unreachable_source_is_reported_without_waiting_for_the_target_s_preparation(bool noPreflight)
    {
        // A "target" that accepts connections and never answers: its preparation would wait out the 120 s connect timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<Socket>();
        var ct = TestContext.Current.CancellationToken;
        var accepting = Task.Run(async () =>
        {
            try { while (true) held.Add(await silent.AcceptSocketAsync(ct)); }
            catch (OperationCanceledException) { }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }, ct);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var clock = Stopwatch.StartNew();
        string[] preflight = noPreflight ? ["--no-preflight"] : [];
        var result = await CliProcess.RunAsync(TimeSpan.FromMinutes(4), ["migrate", .. preflight, "--json",
            "--from", "postgresql://olorin:olorin@127.0.0.1:1/h_rfix_nowhere",
            "--to", $"postgresql://olorin:olorin@127.0.0.1:{port}/h_rfix_silent?timeout=120"]);
        var seconds = clock.Elapsed.TotalSeconds;
        silent.Stop();
        foreach (var socket in held) socket.Dispose();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("source postgresql://olorin@127.0.0.1:1/h_rfix_nowhere", result.ToString());
        Assert.True(seconds < 60, $"the source's error came after {seconds:0} s (the target's connect timeout is 120 s): {result}");
    }
}
