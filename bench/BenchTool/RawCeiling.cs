using System.Diagnostics;
using Npgsql;
using Pgvector.Npgsql;

/// <summary>
/// The raw database ceiling for a server query, measured in the same run: <paramref name="connections"/> tasks over one
/// pooled NpgsqlDataSource (auto-prepared statements), the same SELECT as the server, every column read. Prints
/// "ops/s P50 P99" (ms) on one line for bench/run.sh.
/// </summary>
internal static class RawCeiling
{
    public static async Task RunAsync(string connectionString, string mode, string tenant, int connections, int seconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = connections + 2, MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 };
        var sourceBuilder = new NpgsqlDataSourceBuilder(builder.ConnectionString);
        sourceBuilder.UseVector(); // investigation_states has an embedding column
        await using var dataSource = sourceBuilder.Build();
        var sql = mode switch
        {
            "get" => "SELECT * FROM investigation_states WHERE tenant_id = $1 AND investigation_id = $2",
            "list" => "SELECT * FROM investigation_states WHERE tenant_id = $1 ORDER BY updated_at DESC, investigation_id LIMIT 20",
            _ => throw new ArgumentException($"mode {mode}: get or list"),
        };
        var latencies = new List<double>[connections];
        var measureFrom = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency; // 2 s warm-up: connections, JIT, prepared statements
        var until = measureFrom + seconds * Stopwatch.Frequency;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            var mine = latencies[c] = [];
            var random = new Random(c);
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                await using var command = dataSource.CreateCommand(sql);
                command.Parameters.AddWithValue(tenant);
                if (mode == "get") command.Parameters.AddWithValue($"inv-{random.Next(100_000):D6}");
                await using (var reader = await command.ExecuteReaderAsync())
                    while (await reader.ReadAsync())
                        for (var i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
                if (start >= measureFrom) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine($"{all.Count / (double)seconds:0} {all[all.Count / 2]:0.0} {all[Math.Min(all.Count - 1, (int)(all.Count * 0.99))]:0.0}");
    }
}
