using Microsoft.Extensions.DependencyInjection;
using Olorin.Server.Persistence;
using System.Net;
using System.Net.Http.Json;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// Issue #12 "reads are reads": a GET records last_accessed at most once per LAST_ACCESSED_WRITE_INTERVAL_SECONDS
/// (default 60 s), written by the server's LastAccessedBuffer off the request, and a 304 never writes. Observed in the database: the row's <c>xmin</c> (the transaction that
/// wrote it last) moves with any UPDATE, even one that changes nothing.
/// </summary>
public sealed class InvestigationReadsTests(ManualFlushFixture fixture) : IClassFixture<ManualFlushFixture>
{
    private readonly string _tenant = $"reads-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string user = "u1") => fixture.Factory.CreateClient(_tenant, user);

    private async Task<(string Id, System.Net.Http.Headers.EntityTagHeaderValue ETag)> CreateAsync()
    {
        var created = await Client().PostAsJsonAsync("/investigations", new { settings = new { name = "reads" } }, Ct);
        var body = await created.AssertJsonAsync(HttpStatusCode.Created);
        return (body["investigation_id"]!.GetValue<string>(), created.Headers.ETag!);
    }

    private Task<InvestigationRow> RowAsync(string id) => fixture.InvestigationRowAsync(_tenant, id, Ct);

    private Task FlushAsync() => fixture.Factory.Services.GetRequiredService<LastAccessedBuffer>().FlushAsync(Ct);

    [Fact]
    public async Task Reads_buffered_within_one_flush_answer_the_same_last_accessed_and_are_written_in_one_flush()
    {
        var (a, _) = await CreateAsync();
        var (b, _) = await CreateAsync();
        var firstA = await (await Client().GetAsync($"/investigations/{a}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        fixture.Clock.Advance(ManualFlushFixture.Step); // a later read of a, still within the flush period
        var againA = await (await Client().GetAsync($"/investigations/{a}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await Client().GetAsync($"/investigations/{b}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(firstA["last_accessed"]!.GetValue<string>(), againA["last_accessed"]!.GetValue<string>());

        await FlushAsync();
        var rowA = await RowAsync(a);
        var rowB = await RowAsync(b);
        Assert.Equal(firstA["last_accessed"]!.GetValue<DateTime>().ToUniversalTime(), rowA.LastAccessed!.Value.ToUniversalTime());
        Assert.NotNull(rowB.LastAccessed);
        Assert.Equal(rowA.Xmin, rowB.Xmin); // one statement, one transaction, wrote both
    }

    [Fact]
    public async Task A_get_records_last_accessed_once_and_the_next_gets_within_the_interval_write_nothing()
    {
        var (id, _) = await CreateAsync();
        var created = await RowAsync(id);
        Assert.Null(created.LastAccessed);

        var first = await (await Client().GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Null((await RowAsync(id)).LastAccessed); // buffered: the GET itself wrote nothing
        await FlushAsync();
        var afterFirst = await RowAsync(id);
        Assert.NotNull(afterFirst.LastAccessed);
        Assert.NotNull(first["last_accessed"]);
        Assert.Equal(created.Version, afterFirst.Version);      // an access is not a change
        Assert.Equal(created.UpdatedAt, afterFirst.UpdatedAt);

        for (var i = 0; i < 3; i++)
        {
            var again = await (await Client().GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal(first["last_accessed"]!.GetValue<string>(), again["last_accessed"]!.GetValue<string>());
            Assert.Equal(first["etag"]!.GetValue<string>(), again["etag"]!.GetValue<string>());
        }
        await FlushAsync();
        var afterMore = await RowAsync(id);
        Assert.Equal(afterFirst, afterMore); // same xmin: no UPDATE ran, not even one that changed nothing
    }

    [Fact]
    public async Task A_304_writes_nothing()
    {
        var (id, etag) = await CreateAsync();
        var before = await RowAsync(id);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/investigations/{id}");
        request.Headers.IfNoneMatch.Add(etag);
        var response = await Client().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        await FlushAsync();
        Assert.Equal(before, await RowAsync(id));
        Assert.Null((await RowAsync(id)).LastAccessed);
    }

    [Fact]
    public async Task Patch_and_delete_answer_403_409_and_404_from_the_guarded_write_and_change_nothing_when_refused()
    {
        var (id, _) = await CreateAsync();
        var before = await RowAsync(id);

        var notOwner = await Client("intruder").PatchAsJsonAsync($"/investigations/{id}", new { version = 1, status = "COMPLETED" }, Ct);
        await notOwner.AssertProblemAsync(HttpStatusCode.Forbidden);
        var stale = await Client().PatchAsJsonAsync($"/investigations/{id}", new { version = 2, status = "COMPLETED" }, Ct);
        var conflict = await stale.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, conflict["current_version"]!.GetValue<int>());
        var unknown = await Client().PatchAsJsonAsync($"/investigations/missing-{Guid.NewGuid():N}", new { version = 1, status = "COMPLETED" }, Ct);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client("intruder").DeleteAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await RowAsync(id));

        var system = await Client("auto-comparison-system").PatchAsJsonAsync($"/investigations/{id}", new { version = 1, status = "COMPLETED" }, Ct);
        Assert.Equal(2, (await system.AssertJsonAsync(HttpStatusCode.OK))["version"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NoContent, (await Client().DeleteAsync($"/investigations/{id}", Ct)).StatusCode);
    }
}

