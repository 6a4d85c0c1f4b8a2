using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Olorin.Server.Observability;

/// <summary>
/// The meter (one per host, from its <see cref="IMeterFactory"/>) and the ActivitySource of the project's own
/// instruments. A feature adds its instruments in one line, <c>services.AddOlorinInstruments&lt;OutboxInstruments&gt;()</c>,
/// with a class that takes <see cref="OlorinMeter"/> (and what it observes) and creates them in its constructor.
/// </summary>
public sealed class OlorinMeter(IMeterFactory factory)
{
    public const string Name = "Olorin.Server";

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public Meter Meter { get; } = factory.Create(Name, Version);

    private static string? Version => typeof(OlorinMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}

/// <summary>A set of project instruments, created when the host starts (see <see cref="OlorinMeter"/>).</summary>
public interface IOlorinInstruments;

public static class OlorinInstrumentsRegistration
{
    public static IServiceCollection AddOlorinInstruments<TInstruments>(this IServiceCollection services)
        where TInstruments : class, IOlorinInstruments
    {
        services.AddSingleton<TInstruments>();
        services.AddSingleton<IOlorinInstruments>(sp => sp.GetRequiredService<TInstruments>());
        return services;
    }
}

/// <summary>Creates every registered <see cref="IOlorinInstruments"/> at start-up, so that their observable instruments exist before the first scrape.</summary>
internal sealed class OlorinInstrumentsActivator(IEnumerable<IOlorinInstruments> instruments) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = instruments.ToList();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
