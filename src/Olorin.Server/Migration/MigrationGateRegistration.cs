using Olorin.Core.Phases;

namespace Olorin.Server.Migration;

/// <summary>
/// The read side of a phased migration: the settings, shadow reads around the primary's by-id reads, and the
/// <c>shadow_reads</c> and <c>verification</c> gate sources of <c>/status/migration</c>. Call after the persistence
/// registration, so the shadow-read proxy is the outermost wrapper of each port.
/// </summary>
public static class MigrationGateRegistration
{
    public static WebApplicationBuilder AddOlorinMigrationGate(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MigrationGateOptions>().BindConfiguration("")
            .Validate(o => o.ShadowReadSampleRate is >= 0 and <= 1, "SHADOW_READ_SAMPLE_RATE must be a number from 0 to 1.")
            .Validate(o => o.VerifyMaxAgeMinutes is >= 1 and <= MigrationGateOptions.MaxVerifyAgeMinutes,
                $"VERIFY_MAX_AGE_MINUTES must be 1–{MigrationGateOptions.MaxVerifyAgeMinutes} minutes.")
            .ValidateOnStart();

        services.AddSingleton<ShadowReadStats>();
        services.AddSingleton<ShadowReadQueue>();
        services.AddSingleton<VerificationRecords>();
        services.AddSingleton<IMigrationGateSource, ShadowReadGateSource>();
        services.AddSingleton<IMigrationGateSource, VerificationGateSource>();

        // Rate 0 (the default) wraps nothing: not a single extra call on the request path.
        // Read here (before options validation runs) to decide the wrapping; a value that is not a number must still
        // end in the one-line refusal, not a binder exception.
        var setting = builder.Configuration["SHADOW_READ_SAMPLE_RATE"];
        var rate = 0d;
        if (!string.IsNullOrWhiteSpace(setting)
            && !double.TryParse(setting, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out rate))
            throw new StartupAbortedException($"SHADOW_READ_SAMPLE_RATE must be a number from 0 to 1, not '{setting}'.");
        if (rate > 0)
        {
            services.AddHostedService<ShadowReadWorker>();
            foreach (var port in ShadowReadTargets.Collections.Keys) WrapPort(services, port);
        }
        return builder;
    }

    /// <summary>Replaces the port's registration by one that wraps it in <see cref="ShadowReadProxy"/> when a secondary store exists.</summary>
    private static void WrapPort(IServiceCollection services, Type port)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == port && !d.IsKeyedService);
        if (descriptor is null) return;
        services.Remove(descriptor);
        services.Add(ServiceDescriptor.Describe(port, sp =>
        {
            var inner = descriptor.ImplementationInstance
                        ?? descriptor.ImplementationFactory?.Invoke(sp)
                        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
            return sp.GetService<SecondaryStore>() is null ? inner : ShadowReadProxy.Wrap(port, inner, sp.GetRequiredService<ShadowReadQueue>());
        }, descriptor.Lifetime));
    }
}
