using Olorin.Persistence.Mongo.Repositories;
using static Olorin.Persistence.Mongo.Repositories.TimeSeriesReplace;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// The settle table of the guarded replace on a legacy detection_runs time series (review WRONG 8): at every point a
/// write can fail, what is done next. Walks of the table end with exactly one stored run; the database half of the same
/// failures is injected against a real server in <c>FailureInjection/LegacyRunReplaceFailureTests</c>.
/// </summary>
public sealed class TimeSeriesReplaceTests
{
    [Fact]
    public void A_guard_that_matches_nothing_is_a_lost_race_unless_an_earlier_delete_failed()
    {
        Assert.Equal(Next.Insert, AfterDelete(1, earlierAttemptFailed: false));
        Assert.Equal(Next.NotReplaced, AfterDelete(0, earlierAttemptFailed: false));
        // The failed attempt may have run: the run might be gone, so look before giving up on it.
        Assert.Equal(Next.Read, AfterDelete(0, earlierAttemptFailed: true));
    }

    [Fact]
    public void After_any_failed_write_the_run_is_read_before_anything_is_written()
    {
        Assert.Equal(Next.Read, AfterFailedDelete());
        Assert.Equal(Next.Read, AfterFailedInsert());
        Assert.Equal(Next.Read, AfterRead(Seen.Unknown, inserting: false));
        Assert.Equal(Next.Read, AfterRead(Seen.Unknown, inserting: true));
    }

    [Theory]
    [InlineData(Seen.Missing, Next.Insert)]       // our delete ran (reply lost): put the replacement in
    [InlineData(Seen.AsRead, Next.Delete)]        // it did not run (yet): the guard decides again
    [InlineData(Seen.Changed, Next.NotReplaced)]  // another transition won; ours changed nothing
    public void Before_the_insert_a_read_decides_whether_our_delete_ran(Seen seen, Next next)
        => Assert.Equal(next, AfterRead(seen, inserting: false));

    [Theory]
    [InlineData(Seen.Missing, Next.Insert)]  // the insert did not land: insert again
    [InlineData(Seen.Changed, Next.Done)]    // it landed (reply lost): never a second copy
    [InlineData(Seen.AsRead, Next.Done)]     // running → running keeps the status: still ours
    public void After_the_insert_a_read_decides_whether_it_landed(Seen seen, Next next)
        => Assert.Equal(next, AfterRead(seen, inserting: true));

    /// <summary>
    /// Simulates the two writes on one stored run with a failure injected at each point (the write ran or not, its
    /// reply lost, the next read failing once), following the table, and checks the end state.
    /// </summary>
    [Theory]
    [InlineData("delete fails before running")]
    [InlineData("delete runs, reply lost")]
    [InlineData("delete runs, reply lost, first read fails")]
    [InlineData("insert fails before running")]
    [InlineData("insert runs, reply lost")]
    [InlineData("insert runs, reply lost, first read fails")]
    [InlineData("another transition wins before the delete")]
    public void Every_failure_point_ends_with_exactly_one_run(string scenario)
    {
        var stored = new List<string> { "queued" };
        var deleteAttempts = 0;
        var insertAttempts = 0;
        var readAttempts = 0;
        var failed = false;
        var inserting = false;
        var next = Next.Delete;
        if (scenario == "another transition wins before the delete") stored[0] = "failed";

        for (var step = 0; step < 20 && next is not (Next.Done or Next.NotReplaced); step++)
        {
            switch (next)
            {
                case Next.Delete:
                    deleteAttempts++;
                    var runs = scenario.StartsWith("delete runs", StringComparison.Ordinal) || deleteAttempts > 1 || !scenario.StartsWith("delete", StringComparison.Ordinal);
                    var deleted = runs ? stored.RemoveAll(s => s == "queued") : 0;
                    if (deleteAttempts == 1 && scenario.StartsWith("delete", StringComparison.Ordinal)) { failed = true; next = AfterFailedDelete(); }
                    else next = AfterDelete(deleted, failed);
                    break;
                case Next.Insert:
                    inserting = true;
                    insertAttempts++;
                    var lands = scenario == "insert runs, reply lost" || scenario == "insert runs, reply lost, first read fails" || insertAttempts > 1 || !scenario.StartsWith("insert", StringComparison.Ordinal);
                    if (lands) stored.Add("running");
                    next = insertAttempts == 1 && scenario.StartsWith("insert", StringComparison.Ordinal) ? AfterFailedInsert() : Next.Done;
                    break;
                case Next.Read:
                    readAttempts++;
                    var seen = readAttempts == 1 && scenario.EndsWith("first read fails", StringComparison.Ordinal) ? Seen.Unknown
                        : stored.Count == 0 ? Seen.Missing : stored[0] == "queued" ? Seen.AsRead : Seen.Changed;
                    next = AfterRead(seen, inserting);
                    break;
            }
        }

        Assert.Single(stored);
        Assert.Equal(scenario == "another transition wins before the delete" ? Next.NotReplaced : Next.Done, next);
        Assert.Equal(scenario == "another transition wins before the delete" ? "failed" : "running", stored[0]);
    }
}
