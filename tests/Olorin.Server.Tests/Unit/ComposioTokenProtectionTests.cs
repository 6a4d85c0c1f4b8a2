using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Server.Security;

namespace Olorin.Server.Tests.Unit;

public sealed class ComposioTokenProtectionTests : IDisposable
{
    private readonly string _keysPath = Path.Combine(Path.GetTempPath(), $"olorin-keys-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_keysPath)) Directory.Delete(_keysPath, recursive: true);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();

    private ServiceProvider Services()
        => new ServiceCollection()
            .AddOlorinDataProtection(Configuration((DataProtectionRegistration.KeysPathSetting, _keysPath)))
            .BuildServiceProvider();

    [Fact]
    public void A_token_protected_before_a_restart_unprotects_after_it_because_the_keys_are_persisted()
    {
        string protectedToken;
        using (var before = Services())
            protectedToken = before.GetRequiredService<ComposioTokenProtector>().Protect("secret-token");

        Assert.NotEmpty(Directory.GetFiles(_keysPath, "key-*.xml"));
        using var after = Services();
        Assert.Equal("secret-token", after.GetRequiredService<ComposioTokenProtector>().Unprotect(protectedToken));
    }

    [Fact]
    public void Tokens_are_bound_to_their_purpose()
    {
        using var services = Services();
        var protectedToken = services.GetRequiredService<ComposioTokenProtector>().Protect("secret-token");

        Assert.NotEqual("secret-token", protectedToken);
        var otherPurpose = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Some.Other.Purpose");
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => otherPurpose.Unprotect(protectedToken));
    }

    [Fact]
    public void The_keys_directory_comes_from_the_environment_variable_then_the_setting_then_local_app_data()
    {
        Assert.Equal("/from/env", DataProtectionRegistration.KeysPath(Configuration(
            (DataProtectionRegistration.KeysPathVariable, "/from/env"), (DataProtectionRegistration.KeysPathSetting, "/from/settings"))));
        Assert.Equal("/from/settings", DataProtectionRegistration.KeysPath(Configuration((DataProtectionRegistration.KeysPathSetting, "/from/settings"))));

        var localAppData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal(Path.Combine(localAppData, "Olorin.Server", "DataProtection-Keys"), DataProtectionRegistration.KeysPath(Configuration()));
    }
}
