using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The lists counted since the RowCountersForEveryList migration (detectors, SOAR executions, …) read their totals
/// from row_counts: after multi-row inserts, updates of the counted columns and deletes (written in SQL, as a bulk
/// load or an operator would), every list total must equal a count of the rows, with and without one filter.
/// </summary>
public sealed class PostgresRowCountsTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = fixture.Shared.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var value in values) command.Parameters.AddWithValue(value);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Detector_and_soar_execution_totals_follow_inserts_updates_and_deletes()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await ExecuteAsync("""
            INSERT INTO detectors (detector_id, name, type, cohort_by, metrics, params, enabled, tenant_id, created_at, updated_at)
            SELECT 'd' || g, 'd' || g, CASE WHEN g % 3 = 0 THEN 'cusum' ELSE 'stl_mad' END, '{}', '{}', '{}', g % 2 = 0, $1, now(), now()
            FROM generate_series(1, 30) AS g
            """, tenant);
        await ExecuteAsync("""
            INSERT INTO soar_playbook_executions (execution_id, playbook_id, tenant_id, investigation_id, status, started_at, actions_executed)
            SELECT 'e' || g, 'p' || (g % 4), $1, CASE WHEN g % 5 = 0 THEN NULL ELSE 'inv-' || (g % 2) END, 'running', now(), '[]'
            FROM generate_series(1, 40) AS g
            """, tenant);
        await ExecuteAsync("UPDATE detectors SET enabled = NOT enabled, type = 'isoforest' WHERE tenant_id = $1 AND detector_id IN ('d1', 'd2', 'd3')", tenant);
        await ExecuteAsync("UPDATE soar_playbook_executions SET status = 'completed' WHERE tenant_id = $1 AND execution_id LIKE 'e1%'", tenant);
        await ExecuteAsync("DELETE FROM detectors WHERE tenant_id = $1 AND detector_id IN ('d4', 'd9')", tenant);
        await ExecuteAsync("DELETE FROM soar_playbook_executions WHERE tenant_id = $1 AND execution_id IN ('e5', 'e6', 'e7')", tenant);

        var detectors = fixture.Shared.Repo<IDetectorRepository>();
        async Task<long> DetectorTotal(DetectorQuery q) => (await detectors.ListAsync(tenant, q, new PageRequest(1, 5), Ct)).TotalCount;
        var storedDetectors = (await detectors.ListAsync(tenant, new DetectorQuery(), new PageRequest(1, 100), Ct)).Items;
        Assert.Equal(28, storedDetectors.Count);
        Assert.Equal(28, await DetectorTotal(new DetectorQuery()));
        foreach (var type in Enum.GetValues<DetectorType>())
            Assert.Equal(storedDetectors.Count(d => d.Type == type), await DetectorTotal(new DetectorQuery(Type: type)));
        Assert.Equal(storedDetectors.Count(d => d.Enabled), await DetectorTotal(new DetectorQuery(Enabled: true)));
        Assert.Equal(storedDetectors.Count(d => !d.Enabled), await DetectorTotal(new DetectorQuery(Enabled: false)));
        Assert.Equal(storedDetectors.Count(d => d.Enabled && d.Type == DetectorType.StlMad), await DetectorTotal(new DetectorQuery(DetectorType.StlMad, true)));

        var executions = fixture.Shared.Repo<ISoarPlaybookExecutionRepository>();
        async Task<long> ExecutionTotal(SoarExecutionQuery q) => (await executions.ListAsync(tenant, q, new PageRequest(1, 5), Ct)).TotalCount;
        var stored = (await executions.ListAsync(tenant, new SoarExecutionQuery(), new PageRequest(1, 100), Ct)).Items;
        Assert.Equal(37, stored.Count);
        Assert.Equal(37, await ExecutionTotal(new SoarExecutionQuery()));
        Assert.Equal(stored.Count(e => e.Status == SoarExecutionStatus.Completed), await ExecutionTotal(new SoarExecutionQuery(Status: SoarExecutionStatus.Completed)));
        Assert.Equal(stored.Count(e => e.Status == SoarExecutionStatus.Running), await ExecutionTotal(new SoarExecutionQuery(Status: SoarExecutionStatus.Running)));
        Assert.Equal(stored.Count(e => e.PlaybookId == "p1"), await ExecutionTotal(new SoarExecutionQuery(PlaybookId: "p1")));
        Assert.Equal(stored.Count(e => e.InvestigationId == "inv-0"), await ExecutionTotal(new SoarExecutionQuery(InvestigationId: "inv-0")));
        Assert.Equal(0, await ExecutionTotal(new SoarExecutionQuery(PlaybookId: "unknown")));
    }
}
