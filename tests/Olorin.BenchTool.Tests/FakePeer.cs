using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Olorin.BenchTool.Tests;

/// <summary>One request as the peer received it.</summary>
public sealed record SeenRequest(string Method, string Path, string? Tenant, string? ContentType, string Body);

/// <summary>
/// A Kestrel listener on a free loopback port standing in for the server: it records every request and answers with
/// the status <c>answer</c> gives it, when <c>answer</c> completes.
/// </summary>
public sealed class FakePeer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int held;
    private int maxHeld;

    private FakePeer(WebApplication app) => this.app = app;

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();
    public Uri Uri { get; private set; } = null!;

    /// <summary>The most requests the peer held unanswered at once.</summary>
    public int MaxHeld => Volatile.Read(ref maxHeld);

    public static async Task<FakePeer> StartAsync(Func<SeenRequest, Task<int>> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var peer = new FakePeer(builder.Build());
        peer.app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var seen = new SeenRequest(context.Request.Method, context.Request.Path.Value ?? "",
                context.Request.Headers["X-Tenant-Id"].FirstOrDefault(), context.Request.ContentType, await reader.ReadToEndAsync());
            peer.Requests.Enqueue(seen);
            var now = Interlocked.Increment(ref peer.held);
            for (var max = Volatile.Read(ref peer.maxHeld); now > max; max = Volatile.Read(ref peer.maxHeld))
                if (Interlocked.CompareExchange(ref peer.maxHeld, now, max) == max) break;
            try { context.Response.StatusCode = await answer(seen); }
            finally { Interlocked.Decrement(ref peer.held); }
        });
        await peer.app.StartAsync();
        var address = peer.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        peer.Uri = new Uri(address);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
