using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Olorin.Persistence.Mongo.Settings;

/// <summary>
/// <see cref="MongoSettings"/> as options: bound from configuration under the MONGODB_* keys (so environment
/// variables and top-level keys of <c>appsettings.Mongo.json</c> both work; the later provider wins) and
/// validated by <see cref="MongoSettingsValidator"/> on first use or, with <c>ValidateOnStart</c>, at start-up.
/// </summary>
public static class MongoSettingsRegistration
{
    public static OptionsBuilder<MongoSettings> AddMongoSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<MongoSettings>, MongoSettingsValidator>();
        services.AddSingleton<IOptionsFactory<MongoSettings>>(sp =>
            new BindingFactory(configuration, sp.GetServices<IValidateOptions<MongoSettings>>()));
        return services.AddOptions<MongoSettings>();
    }

    // MongoSettings is immutable, so the usual "new() then Configure" factory cannot build it.
    private sealed class BindingFactory(IConfiguration configuration, IEnumerable<IValidateOptions<MongoSettings>> validators)
        : IOptionsFactory<MongoSettings>
    {
        public MongoSettings Create(string name)
        {
            MongoSettings settings;
            try
            {
                settings = MongoSettingsBinder.Bind(configuration);
            }
            catch (MongoSettingsException e)
            {
                throw new OptionsValidationException(name, typeof(MongoSettings), e.Failures);
            }
            var failures = validators.Select(v => v.Validate(name, settings)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
            return failures.Count == 0 ? settings : throw new OptionsValidationException(name, typeof(MongoSettings), failures);
        }
    }
}
