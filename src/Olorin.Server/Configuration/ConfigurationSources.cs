namespace Olorin.Server.Configuration;

public static class ConfigurationSources
{
    public const string BaseSettingsFile = "appsettings.json";
    public const string MongoSettingsFile = "appsettings.Mongo.json";
    public const string DefaultUrls = "http://0.0.0.0:8090";

    /// <summary>
    /// Layers <c>appsettings.Mongo.json</c> over the base settings; environment variables and the command line are
    /// added again on top so that they keep overriding both files. The files live at the repository root and are
    /// copied next to the binaries, so they are read from there when the content root does not have them.
    /// </summary>
    public static WebApplicationBuilder AddOlorinConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        var configuration = builder.Configuration;
        if (!File.Exists(Path.Combine(builder.Environment.ContentRootPath, BaseSettingsFile)))
            configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, BaseSettingsFile), optional: true, reloadOnChange: false);
        var mongoSettings = File.Exists(Path.Combine(builder.Environment.ContentRootPath, MongoSettingsFile))
            ? Path.Combine(builder.Environment.ContentRootPath, MongoSettingsFile)
            : Path.Combine(AppContext.BaseDirectory, MongoSettingsFile);
        configuration.AddJsonFile(mongoSettings, optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        return builder;
    }

    /// <summary>Listens on port 8090 on every interface unless <c>ASPNETCORE_URLS</c>/<c>--urls</c> say otherwise.</summary>
    public static WebApplicationBuilder UseOlorinDefaultUrls(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]))
            builder.WebHost.UseUrls(DefaultUrls);
        return builder;
    }
}
