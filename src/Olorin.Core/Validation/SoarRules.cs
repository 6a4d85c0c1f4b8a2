namespace Olorin.Core.Validation;

/// <summary>What a client may send for SOAR playbook executions (DATA-MODEL.md §10).</summary>
public static class SoarRules
{
    public static ValidationErrors ValidateStart(string? executionId, string? playbookId, string? investigationId, string? anomalyId)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "execution_id", executionId);
        FieldRules.RequiredId(errors, "playbook_id", playbookId);
        FieldRules.Length(errors, "investigation_id", investigationId, 0, FieldRules.MaxIdLength);
        FieldRules.Length(errors, "anomaly_id", anomalyId, 0, FieldRules.MaxIdLength);
        return errors;
    }

    public static ValidationErrors ValidateAction(string? actionId, string? actionType, string? status, DateTime? startedAt, DateTime? completedAt)
    {
        var errors = new ValidationErrors();
        FieldRules.RequiredId(errors, "action_id", actionId);
        FieldRules.RequiredId(errors, "action_type", actionType);
        FieldRules.RequiredId(errors, "status", status);
        if (startedAt is { } started && completedAt is { } completed && completed < started)
            errors.Add("completed_at", "completed_at must not be before started_at.");
        return errors;
    }

    public static ValidationErrors ValidateFailure(string? errorMessage)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(errorMessage)) errors.Add("error_message", "error_message is required to fail an execution.");
        return errors;
    }
}
