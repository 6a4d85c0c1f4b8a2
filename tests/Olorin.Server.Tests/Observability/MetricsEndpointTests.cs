using System.Net;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Observability;

/// <summary>/metrics after a little traffic: the runbook's numbers, by the names and labels the alert rules use.</summary>
public sealed class MetricsEndpointTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_serve_request_error_latency_repository_pool_database_and_runtime_instruments()
    {
        var client = fixture.Factory.CreateClient("metrics-tenant", "u1");
        await (await client.PostAsync("/investigations", HttpAssertions.RawJson("{}"), Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await (await client.GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await client.GetAsync("/investigations/no-such-one", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        // Anonymous, like the health probes: no identity headers.
        var response = await fixture.Factory.CreateClient().GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n');

        // Requests, errors by route and status class; latency histograms ready for histogram_quantile(0.99, …).
        AssertSeries(lines, "olorin_http_requests_total", "http_route=\"/investigations/{investigationId}\"", "http_request_method=\"GET\"", "status_class=\"4xx\"");
        AssertSeries(lines, "olorin_http_requests_total", "http_request_method=\"POST\"", "status_class=\"2xx\"");
        AssertSeries(lines, "olorin_http_errors_total", "http_route=\"/investigations/{investigationId}\"", "status_class=\"4xx\"");
        AssertSeries(lines, "http_server_request_duration_seconds_bucket", "http_route=\"/investigations/{investigationId}\"", "http_response_status_code=\"404\"", "le=\"1\"");
        // Repository latency by backend and operation, through the one decorator of every port.
        AssertSeries(lines, "olorin_repository_operation_duration_seconds_bucket", "db_backend=\"postgres\"", "repository=\"investigation\"", "operation=\"create\"", "outcome=\"success\"");
        AssertSeries(lines, "olorin_repository_operation_duration_seconds_count", "repository=\"investigation\"", "operation=\"get\"");
        // Pool usage, one name for both backends, and Npgsql's own.
        AssertSeries(lines, "olorin_db_pool_connections_in_use", "db_backend=\"postgres\"");
        AssertSeries(lines, "olorin_db_pool_connections_open", "db_backend=\"postgres\"");
        AssertSeries(lines, "olorin_db_pool_connections_max", "db_backend=\"postgres\"");
        AssertSeries(lines, "db_client_connection_count", "db_client_connection_state=\"used\"");
        AssertSeries(lines, "db_client_connection_max");
        AssertSeries(lines, "db_client_operation_duration_seconds_bucket");
        // Runtime: GC, memory, thread pool.
        AssertSeries(lines, "dotnet_gc_collections_total");
        AssertSeries(lines, "dotnet_process_memory_working_set_bytes");
        AssertSeries(lines, "dotnet_thread_pool_thread_count_total");
    }

    [Fact]
    public async Task The_metrics_scrape_is_left_out_of_the_openapi_document()
    {
        var document = await fixture.Factory.CreateClient().GetStringAsync("/swagger/v1/swagger.json", Ct);
        Assert.DoesNotContain("\"/metrics\"", document);
    }

    private static void AssertSeries(string[] lines, string name, params string[] labels)
        => Assert.True(
            lines.Any(line => (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
                              && labels.All(line.Contains)),
            $"no {name} series with {string.Join(", ", labels)}; the series of that name: {string.Join(" | ", lines.Where(l => l.StartsWith(name, StringComparison.Ordinal)).Take(5))}");
}

/// <summary>ENABLE_METRICS=false, with OTLP export on instead.</summary>
public sealed class MetricsDisabledTests(MetricsDisabledTests.Fixture fixture) : IClassFixture<MetricsDisabledTests.Fixture>
{
    public sealed class Fixture : PostgresApiFixture
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["ENABLE_METRICS"] = "false";
            // OTLP export on, towards a port nothing listens on: exports fail in the background, requests do not.
            settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9";
        }
    }

    [Fact]
    public async Task With_ENABLE_METRICS_false_there_is_no_metrics_endpoint_and_status_still_reports_the_signals()
    {
        var client = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
        var status = await (await client.GetAsync("/status", TestContext.Current.CancellationToken)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(status["rollback_advised"]!.GetValue<bool>());
        Assert.Equal("postgres", status["pools"]![0]!["backend"]!.GetValue<string>());
    }
}
