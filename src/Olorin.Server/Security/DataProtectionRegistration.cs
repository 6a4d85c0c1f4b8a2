using Olorin.Server.Persistence;
using Microsoft.AspNetCore.DataProtection;

namespace Olorin.Server.Security;

public static class DataProtectionRegistration
{
    public const string ApplicationName = "Olorin.Server";
    public const string KeysPathVariable = "DATA_PROTECTION_KEYS_PATH";
    public const string KeysPathSetting = "DataProtection:KeysPath";

    /// <summary>
    /// Data Protection with its key ring in a directory that outlives the process, so tokens encrypted before a
    /// restart still decrypt after it. The directory is <c>DATA_PROTECTION_KEYS_PATH</c>, else
    /// <c>DataProtection:KeysPath</c>, else <c>Olorin.Server/DataProtection-Keys</c> under the user's local app data.
    /// </summary>
    public static IServiceCollection AddOlorinDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(KeysPath(configuration)));
        services.AddSingleton<ComposioTokenProtector>();
        return services;
    }

    public static string KeysPath(IConfiguration configuration)
    {
        if (configuration[KeysPathVariable] is { Length: > 0 } fromEnvironment) return fromEnvironment;
        if (configuration[KeysPathSetting] is { Length: > 0 } fromSettings) return fromSettings;
        var localAppData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(localAppData))
            throw new StartupAbortedException(
                $"No directory for the Data Protection keys: set {KeysPathVariable} (or {KeysPathSetting}); the user has no local application data folder.");
        return Path.Combine(localAppData, ApplicationName, "DataProtection-Keys");
    }
}
