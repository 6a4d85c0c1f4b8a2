using Microsoft.AspNetCore.DataProtection;

namespace Olorin.Server.Security;

/// <summary>
/// Encrypts Composio OAuth tokens before they reach a repository and decrypts them for the code that calls
/// Composio (Decision 7). The purpose string isolates these ciphertexts from every other protector's.
/// </summary>
public sealed class ComposioTokenProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "Olorin.Composio.Tokens.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string token) => _protector.Protect(token);

    public string? ProtectOptional(string? token) => token is null ? null : _protector.Protect(token);

    public string Unprotect(string protectedToken) => _protector.Unprotect(protectedToken);
}
