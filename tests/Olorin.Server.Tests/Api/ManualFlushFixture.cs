using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Olorin.Server.Persistence;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// The server on a fake clock that these tests move by hand, so <see cref="LastAccessedBuffer"/>'s periodic flush
/// never runs between a test's reads and its own <c>FlushAsync</c> (on the real clock it did, under load: a flush
/// between two reads wrote them in two transactions, or made the second read answer a newer last_accessed).
/// </summary>
public sealed class ManualFlushFixture : PostgresApiFixture
{
    /// <summary>What a test may advance the clock by, per step: the class's steps stay below one flush period.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}
