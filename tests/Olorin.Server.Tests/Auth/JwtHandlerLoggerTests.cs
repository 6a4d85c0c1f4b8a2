using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary>
/// <c>AUTH_MODE=jwt</c>: the JwtBearer handler is built per request, and the host's factory (Serilog's) builds a new
/// logger per call; the handler gets its logger from the category-caching factory, so the host's factory is asked
/// for the handler's category once, not once per request.
/// </summary>
public sealed class JwtHandlerLoggerTests(JwtHandlerLoggerTests.Fixture fixture) : IClassFixture<JwtHandlerLoggerTests.Fixture>
{
    private static readonly string HandlerCategory = typeof(JwtBearerHandler).FullName!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_with_tokens_ask_the_host_s_logger_factory_for_the_handler_s_category_at_most_once()
    {
        var token = TestTokens.Mint($"t-{Guid.NewGuid():N}", "u1", "read", "write");
        for (var i = 0; i < 5; i++)
        {
            var client = fixture.Factory.CreateClient().WithToken(token);
            await (await client.GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        }
        var refused = await fixture.Factory.CreateClient().WithToken(token + "x").GetAsync("/investigations", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        Assert.Equal(1, fixture.Counted.Created.GetValueOrDefault(HandlerCategory));
    }

    /// <summary>A JWT server whose host logger factory counts the loggers it is asked for, by category.</summary>
    public sealed class Fixture : PostgresApiFixture
    {
        public CountingLoggerFactory.Counts Counted { get; } = new();

        protected override void Configure(Dictionary<string, string?> settings)
        {
            foreach (var (key, value) in TestTokens.Settings) settings[key] = value;
        }

        protected override void ConfigureServices(IServiceCollection services)
        {
            var host = services.Last(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
            services.AddSingleton<ILoggerFactory>(sp => new CountingLoggerFactory(Resolve(host, sp), Counted));
        }

        private static ILoggerFactory Resolve(ServiceDescriptor descriptor, IServiceProvider services) => (ILoggerFactory)(
            descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
    }

    /// <summary>Passes every call to the host's factory and counts <see cref="CreateLogger"/> by category.</summary>
    public sealed class CountingLoggerFactory(ILoggerFactory host, CountingLoggerFactory.Counts counts) : ILoggerFactory
    {
        public sealed class Counts
        {
            public ConcurrentDictionary<string, int> Created { get; } = new(StringComparer.Ordinal);
        }

        public ILogger CreateLogger(string categoryName)
        {
            counts.Created.AddOrUpdate(categoryName, 1, (_, n) => n + 1);
            return host.CreateLogger(categoryName);
        }

        public void AddProvider(ILoggerProvider provider) => host.AddProvider(provider);

        public void Dispose() => host.Dispose();
    }
}
