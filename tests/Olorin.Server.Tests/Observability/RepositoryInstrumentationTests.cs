using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Server.Observability;

namespace Olorin.Server.Tests.Observability;

/// <summary>
/// <see cref="InstrumentedRepository.Wrap"/> copies one proxy per port instead of generating each: every copy must
/// still dispatch to its own inner repository, timed or not, and pass its exceptions through unwrapped.
/// </summary>
public sealed class RepositoryInstrumentationTests
{
    public interface IProbeRepository
    {
        Task<string> NameAsync(string suffix);

        string Name();

        Task FailAsync();
    }

    private sealed class Probe(string name) : IProbeRepository
    {
        public Task<string> NameAsync(string suffix) => Task.FromResult(name + suffix);

        public string Name() => name;

        public Task FailAsync() => Task.FromException(new InvalidOperationException(name));
    }

    [Fact]
    public async Task Each_wrapped_repository_calls_its_own_inner_one()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var instruments = new RepositoryInstruments(new OlorinMeter(services.GetRequiredService<IMeterFactory>()));

        var wrapped = Enumerable.Range(0, 3)
            .Select(i => (IProbeRepository)InstrumentedRepository.Wrap(typeof(IProbeRepository), new Probe($"inner-{i}"), instruments, "test"))
            .ToList();

        for (var i = 0; i < wrapped.Count; i++)
        {
            Assert.Equal($"inner-{i}!", await wrapped[i].NameAsync("!"));
            Assert.Equal($"inner-{i}", wrapped[i].Name());
            Assert.Equal($"inner-{i}", (await Assert.ThrowsAsync<InvalidOperationException>(wrapped[i].FailAsync)).Message);
        }
        Assert.Equal(3, wrapped.Distinct().Count());
    }
}
