namespace Olorin.Server.Persistence;

/// <summary>
/// Start-up cannot continue (a required backend is unreachable and falling back is forbidden, or a setting is
/// invalid). <see cref="Exception.Message"/> is the one line the operator sees; it never carries a secret.
/// </summary>
public sealed class StartupAbortedException(string message) : Exception(message);
