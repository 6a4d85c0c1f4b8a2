using System.Net;
using System.Net.Http.Json;
using System.Text;
using Olorin.Server.Apis.TransactionScores;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// The bulk insert through real Kestrel, whose request body limits the in-memory test server does not apply:
/// a full batch fits, a body above the endpoint's budget is refused with 413.
/// </summary>
public sealed class TransactionScoresKestrelTests(TransactionScoresKestrelTests.KestrelApiFixture fixture)
    : IClassFixture<TransactionScoresKestrelTests.KestrelApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateInvestigationAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/investigations", new { }, Ct);
        return (await response.AssertJsonAsync(HttpStatusCode.Created))["investigation_id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Ten_thousand_scores_with_long_ids_and_every_component_fit_in_one_request()
    {
        var client = fixture.Factory.CreateClient(_tenant, "u1");
        var id = await CreateInvestigationAsync(client);
        var scores = Enumerable.Range(0, 10_000).Select(i => new
        {
            transaction_id = $"transaction-{i:D8}-{new string('x', 200)}",
            risk_score = i / 9_999.0,
            score_components = new { device_risk = 0.123456789, location_risk = 0.223456789, velocity_risk = 0.323456789, network_risk = 0.423456789 },
        }).ToArray();
        using var body = JsonContent.Create(new { scores });
        await body.LoadIntoBufferAsync(Ct);
        Assert.True(body.Headers.ContentLength > 2_000_000, $"The batch is only {body.Headers.ContentLength} bytes.");

        var response = await client.PostAsync($"/investigations/{id}/transaction-scores", body, Ct);
        Assert.Equal(10_000, (await response.AssertJsonAsync(HttpStatusCode.Created))["inserted"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_body_above_the_bulk_budget_is_413()
    {
        var client = fixture.Factory.CreateClient(_tenant, "u1");
        var id = await CreateInvestigationAsync(client);
        var padding = new string(' ', (int)TransactionScoresApi.MaxBulkRequestBytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/investigations/{id}/transaction-scores")
        {
            Content = new StringContent($"{{\"scores\":[{{\"transaction_id\":\"t\",\"risk_score\":0.5}}]{padding}}}", Encoding.UTF8, "application/json"),
        };
        // Kestrel answers 413 from Content-Length alone and closes the connection; waiting for 100-continue lets
        // the client read that answer instead of failing while it still writes the body.
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request, Ct);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    public sealed class KestrelApiFixture : IAsyncLifetime
    {
        private PostgresTestDatabase? _database;
        private OlorinApiFactory? _factory;

        public OlorinApiFactory Factory => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

        public async ValueTask InitializeAsync()
        {
            _database = await PostgresTestDatabase.CreateAsync();
            var settings = OlorinApiFactory.SettingsFor(_database.ConnectionString);
            settings["urls"] = "http://127.0.0.1:0";
            _factory = new OlorinApiFactory(settings);
            _factory.UseKestrel();
            _factory.StartServer();
        }

        public async ValueTask DisposeAsync()
        {
            if (_factory is not null) await _factory.DisposeAsync();
            if (_database is not null) await _database.DisposeAsync();
        }
    }
}
