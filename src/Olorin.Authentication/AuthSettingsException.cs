namespace Olorin.Authentication;

/// <summary>
/// An authentication setting is missing or invalid. <see cref="Exception.Message"/> is the one line an operator sees:
/// it names the variable and never contains a secret.
/// </summary>
public sealed class AuthSettingsException(string message) : Exception(message);
