namespace Olorin.Server.Apis.TransactionScores;

internal static class TransactionScoreValidation
{
    public static ValidationErrors Validate(this TransactionScoreBatchRequest request)
    {
        var errors = new ValidationErrors();
        var scores = request.Scores ?? [];
        TransactionScoreRules.BatchSize(errors, "scores", scores.Count);
        if (scores.Count > TransactionScoreRules.MaxScoresPerRequest) return errors;

        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < scores.Count; i++)
        {
            var field = $"scores[{i}]";
            if (scores[i] is not { } score) { errors.Add(field, $"{field} must be an object."); continue; }
            TransactionScoreRules.Score(errors, field, score.TransactionId, score.RiskScore, score.ScoreComponents);
            // Two different scores for one transaction in one request would make the stored one a matter of chance.
            if (score.TransactionId is { } id && !firstIndexOf.TryAdd(id, i))
                errors.Add($"{field}.transaction_id", $"{field}.transaction_id repeats scores[{firstIndexOf[id]}].transaction_id ('{id}').");
        }
        return errors;
    }
}
