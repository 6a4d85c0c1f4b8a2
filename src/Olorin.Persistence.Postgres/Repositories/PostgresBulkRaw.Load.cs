using Npgsql;
using Olorin.Core.Ports;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

internal sealed partial class PostgresBulkRaw
{
    /// <summary>
    /// One transaction on one connection of the target (<see cref="BeginLoadAsync"/>): batches appended by binary
    /// <c>COPY</c> or upserted through a staging table, invisible to every other session until the commit; disposed
    /// without it, PostgreSQL rolls everything back (as it does when the tool is killed and the connection drops).
    /// </summary>
    private sealed class Load(Plan plan, NpgsqlConnection connection, NpgsqlTransaction transaction) : IRawRowLoad
    {
        private const string Stage = "olorin_bulk_stage";

        public async Task<long?> AppendAsync(
            IReadOnlyList<string>? after, IReadOnlyList<string> upTo, Func<Stream, CancellationToken, Task> writeRows, CancellationToken cancellationToken = default)
        {
            await using (var probe = new NpgsqlCommand { Connection = connection, Transaction = transaction })
            {
                probe.CommandText = $"SELECT EXISTS (SELECT 1 FROM {Quote(plan.Table)}{After(plan, after, probe)})";
                if (await probe.ExecuteScalarAsync(cancellationToken) is true) return null; // rows beyond the checkpoint: upsert instead
            }
            await CopyInAsync($"COPY {Quote(plan.Table)} ({Columns}) FROM STDIN (FORMAT BINARY)", writeRows, cancellationToken);
            await using var count = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            count.CommandText = $"SELECT count(*) FROM {Quote(plan.Table)}{After(plan, after, count)}";
            return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        public async Task<long> UpsertAsync(Func<Stream, CancellationToken, Task> writeRows, CancellationToken cancellationToken = default)
        {
            // Created and dropped per batch: a load that holds several batches upserts each through a stage of its own.
            await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE {Stage} ON COMMIT DROP AS SELECT {Columns} FROM {Quote(plan.Table)} WITH NO DATA", connection, transaction))
                await create.ExecuteNonQueryAsync(cancellationToken);
            await CopyInAsync($"COPY {Stage} ({Columns}) FROM STDIN (FORMAT BINARY)", writeRows, cancellationToken);
            long rows;
            await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {Stage}", connection, transaction))
                rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            await using (var upsert = new NpgsqlCommand(plan.Upsert.Replace("{stage}", Stage, StringComparison.Ordinal) + $"; DROP TABLE {Stage}", connection, transaction) { CommandTimeout = 0 })
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            return rows;
        }

        public Task CommitAsync(CancellationToken cancellationToken = default) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }

        private string Columns => string.Join(", ", plan.Columns.Select(Quote));

        private async Task CopyInAsync(string sql, Func<Stream, CancellationToken, Task> writeRows, CancellationToken cancellationToken)
        {
            await using var copy = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken);
            try
            {
                await writeRows(copy, cancellationToken);
            }
            catch
            {
                // Disposing an import stream would end the COPY with what was sent so far; cancel it instead (the
                // transaction is rolled back anyway) so the writer's error is the one reported.
                await copy.CancelAsync();
                throw;
            }
        }
    }
}
