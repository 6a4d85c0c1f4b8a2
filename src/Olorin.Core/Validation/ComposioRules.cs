namespace Olorin.Core.Validation;

/// <summary>What a client may send for Composio connections and action audits (DATA-MODEL.md §8–9).</summary>
public static class ComposioRules
{
    public const int DefaultFailedLimit = 100;
    public const int MaxFailedLimit = 1000;

    public static ValidationErrors ValidateConnection(string? connectionId, string? toolkitName, string? composioConnectionId, string? accessToken, string? refreshToken, string? status)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "connection_id", connectionId);
        FieldRules.RequiredId(errors, "toolkit_name", toolkitName);
        FieldRules.RequiredId(errors, "composio_connection_id", composioConnectionId);
        Tokens(errors, accessToken, refreshToken);
        FieldRules.WireValue<ComposioConnectionStatus>(errors, "status", status);
        return errors;
    }

    public static void Tokens(ValidationErrors errors, string? accessToken, string? refreshToken)
    {
        if (string.IsNullOrEmpty(accessToken)) errors.Add("access_token", "access_token is required.");
        if (refreshToken is { Length: 0 }) errors.Add("refresh_token", "refresh_token must not be empty.");
    }

    public static ValidationErrors ValidateActionAudit(
        string? auditId, string? actionId, string? toolkitName, string? actionName, string? connectionId, string? executionId, string? status, int? retryCount)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "audit_id", auditId);
        FieldRules.RequiredId(errors, "action_id", actionId);
        FieldRules.RequiredId(errors, "toolkit_name", toolkitName);
        FieldRules.RequiredId(errors, "action_name", actionName);
        FieldRules.RequiredId(errors, "connection_id", connectionId);
        FieldRules.Length(errors, "execution_id", executionId, 0, FieldRules.MaxIdLength);
        FieldRules.RequiredWireValue<ComposioActionStatus>(errors, "status", status);
        FieldRules.Range(errors, "retry_count", retryCount, 0, int.MaxValue);
        return errors;
    }

    public static void TimeWindow(ValidationErrors errors, DateTime? from, DateTime? to)
    {
        if (from is { } f && to is { } t && t < f) errors.Add("to", "to must not be before from.");
    }
}
