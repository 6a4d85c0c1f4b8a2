using System.Net;
using System.Net.Http.Json;
using Olorin.Server.Persistence;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// <see cref="LastAccessedBuffer"/>'s own loop: a buffered access is written once the host's clock has passed a flush
/// period, and not before. A fixture of its own: moving its clock a whole period would flush under the other read tests.
/// </summary>
public sealed class LastAccessedFlushLoopTests(ManualFlushFixture fixture) : IClassFixture<ManualFlushFixture>
{
    private readonly string _tenant = $"loop-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_buffered_access_is_written_when_the_clock_passes_a_flush_period()
    {
        var client = fixture.Factory.CreateClient(_tenant, "u1");
        var created = await (await client.PostAsJsonAsync("/investigations", new { settings = new { name = "loop" } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var id = created["investigation_id"]!.GetValue<string>();
        var read = await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        await fixture.Clock.WaitForPeriodsAsync(1, Ct); // the loop waits on a period armed before the clock moves
        var armed = fixture.Clock.PeriodsArmed;
        fixture.Clock.Advance(LastAccessedBuffer.FlushPeriod - ManualFlushFixture.Step);
        // The period has not passed: no flush (which would write the access and arm the next period). The loop runs on
        // its own thread, so look for a while; this can only miss a premature flush, never report one falsely.
        for (var look = 0; look < 10; look++)
        {
            Assert.Null(await LastAccessedAsync(id));
            Assert.Equal(armed, fixture.Clock.PeriodsArmed);
            await Task.Delay(20, Ct);
        }

        fixture.Clock.Advance(ManualFlushFixture.Step);
        // The loop flushes on its own thread: wait for its write (bounded only so that a loop that never wakes fails).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        DateTime? written;
        while ((written = await LastAccessedAsync(id)) is null) await Task.Delay(20, deadline.Token);
        Assert.Equal(read["last_accessed"]!.GetValue<DateTime>().ToUniversalTime(), written.Value.ToUniversalTime());
    }

    private async Task<DateTime?> LastAccessedAsync(string id) => (await fixture.InvestigationRowAsync(_tenant, id, Ct)).LastAccessed;
}
