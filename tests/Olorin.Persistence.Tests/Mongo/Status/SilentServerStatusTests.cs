using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>
/// Review #17: <c>/status/mongodb</c> against a server that accepts connections and never answers (a silent TCP peer,
/// not a database) answers after the health check's ping deadline, not after the 30 s selection timeout.
/// </summary>
public sealed class SilentServerStatusTests
{
    [Fact]
    public async Task Status_gives_up_after_the_ping_deadline_not_the_selection_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await listener.AcceptTcpClientAsync(stop.Token)); // never answers
            }
            catch (OperationCanceledException)
            {
            }
        }, TestContext.Current.CancellationToken);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var settings = new MongoSettings
        {
            Uri = $"mongodb://127.0.0.1:{port}/?directConnection=true",
            Database = "olorin_silent",
            ServerSelectionTimeoutMs = 30_000,
            ConnectTimeoutMs = 30_000,
        };
        var reporter = new MongoStatusReporter(settings, MongoClientFactory.CreateClient(settings));

        var watch = Stopwatch.StartNew();
        var report = await reporter.GetReportAsync(TestContext.Current.CancellationToken);
        watch.Stop();

        await stop.CancelAsync();
        await accepting;
        foreach (var client in accepted) client.Dispose();
        Assert.False(report.Connected);
        Assert.Contains("did not answer a ping within 3000 ms", report.Error);
        // Timers may fire a hair early; well under the 30 s selection timeout is what matters.
        Assert.InRange(watch.Elapsed, MongoStatusReporter.PingTimeout - TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15));
    }
}
