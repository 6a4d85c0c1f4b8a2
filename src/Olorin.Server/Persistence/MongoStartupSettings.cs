using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Server.Persistence;

/// <summary>The MongoDB settings every start-up path reads (ENABLE_MONGODB, dual's secondary, bootstrap-mongodb): invalid ones abort start-up with one line naming them.</summary>
public static class MongoStartupSettings
{
    public static MongoSettings BindOrAbort(IConfiguration configuration)
    {
        try
        {
            return MongoSettingsBinder.BindValidated(configuration);
        }
        catch (MongoSettingsException e)
        {
            throw new StartupAbortedException($"Invalid MongoDB settings: {string.Join(" ", e.Failures)}");
        }
    }
}
