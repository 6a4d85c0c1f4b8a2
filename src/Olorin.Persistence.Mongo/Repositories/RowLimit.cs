namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// MongoDB reads a <c>limit</c> of 0 as "no limit" (and a negative one as a single batch of its absolute value),
/// where the ports, like PostgreSQL's <c>LIMIT</c>, mean "at most that many rows". A limit below 1 therefore never
/// reaches the server: the answer is empty (https://www.mongodb.com/docs/manual/reference/method/cursor.limit/#zero-value,
/// …#negative-values).
/// </summary>
public static class RowLimit
{
    public static bool FetchesNothing(int limit) => limit < 1;
}
