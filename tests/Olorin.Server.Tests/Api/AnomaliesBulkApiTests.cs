using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;
using static Olorin.Server.Tests.Api.AnomaliesApiTests;

namespace Olorin.Server.Tests.Api;

public sealed class AnomaliesBulkApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";
    private HttpClient Client => field ??= fixture.Factory.CreateClient(_tenant, "alice");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> BulkAsync(IEnumerable<JsonObject?> anomalies, HttpClient? client = null)
        => (client ?? Client).PostAsJsonAsync("/anomalies/bulk", new JsonObject { ["anomalies"] = new JsonArray([.. anomalies.Select(a => a?.DeepClone())]) }, Ct);

    private static List<JsonObject?> Batch(string prefix, int count)
        => Enumerable.Range(0, count).Select(i => (JsonObject?)ValidAnomaly($"{prefix}-{i:D4}", score: i, embedding: i % 2 == 0 ? Vector(i + 1) : null)).ToList();

    private async Task<long> CountAsync()
        => (await (await Client.GetAsync("/anomalies?page_size=1", Ct)).AssertJsonAsync(HttpStatusCode.OK))["totalCount"]!.GetValue<long>();

    [Fact]
    public async Task A_thousand_anomalies_are_stored_in_one_request_and_repeating_it_changes_nothing()
    {
        var batch = Batch("a", 1_000);

        var first = await (await BulkAsync(batch)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(1_000, first["inserted"]!.GetValue<int>());
        Assert.Equal(0, first["already_stored"]!.GetValue<int>());

        var again = await (await BulkAsync(batch)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, again["inserted"]!.GetValue<int>());
        Assert.Equal(1_000, again["already_stored"]!.GetValue<int>());
        Assert.Equal(1_000, await CountAsync());

        var stored = await (await Client.GetAsync("/anomalies/a-0998?include_embedding=true", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(998, stored["score"]!.GetValue<double>());
        Assert.Equal("m-42", stored["cohort"]!["merchant"]!.GetValue<string>());
        Assert.Equal(Vector(999), stored["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
        Assert.False((await (await Client.GetAsync("/anomalies/a-0999", Ct)).AssertJsonAsync(HttpStatusCode.OK))["has_embedding"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_batch_with_new_and_stored_anomalies_inserts_the_new_ones_and_keeps_the_stored_values()
    {
        await (await BulkAsync([ValidAnomaly("x-1", score: 1)])).AssertJsonAsync(HttpStatusCode.Created);

        var mixed = await (await BulkAsync([ValidAnomaly("x-1", score: 9), ValidAnomaly("x-2", score: 2)])).AssertJsonAsync(HttpStatusCode.Created);

        Assert.Equal(1, mixed["inserted"]!.GetValue<int>());
        Assert.Equal(1, mixed["already_stored"]!.GetValue<int>());
        Assert.Equal(1, (await (await Client.GetAsync("/anomalies/x-1", Ct)).AssertJsonAsync(HttpStatusCode.OK))["score"]!.GetValue<double>());
        // Ids are per tenant: another tenant's batch with the same id is new there.
        var other = fixture.Factory.CreateClient($"other-{Guid.NewGuid():N}", "bob");
        await (await BulkAsync([ValidAnomaly("x-1")], other)).AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task More_than_a_thousand_is_400_naming_anomalies_and_nothing_is_written()
    {
        var problem = await (await BulkAsync(Batch("big", 1_001))).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("at most 1000", problem["errors"]!["anomalies"]![0]!.GetValue<string>());
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task One_bad_anomaly_is_400_naming_its_index_and_field_and_nothing_is_written()
    {
        var batch = Batch("bad", 10);
        batch[3]!["score"] = -1;
        batch[7]!["embedding"] = new JsonArray(1, 2, 3);
        batch[8]!.Remove("anomaly_id");
        batch[9]!["anomaly_id"] = "bad-0001";

        var problem = await (await BulkAsync(batch)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["anomalies[3].score", "anomalies[7].embedding", "anomalies[8].anomaly_id", "anomalies[9].anomaly_id"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.StartsWith("anomalies[3].score must be", errors["anomalies[3].score"]![0]!.GetValue<string>());
        Assert.Contains("repeats anomalies[1].anomaly_id", errors["anomalies[9].anomaly_id"]![0]!.GetValue<string>());
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task A_link_to_an_investigation_the_tenant_does_not_have_is_400_and_nothing_is_written()
    {
        var batch = Batch("link", 3);
        batch[2]!["investigation_id"] = "no-such-investigation";

        var problem = await (await BulkAsync(batch)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("anomalies[2].investigation_id"));
        Assert.Equal(0, await CountAsync());
    }
}
