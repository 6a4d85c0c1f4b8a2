using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres.Repositories;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Outbox;

/// <summary>
/// <see cref="IChangeTransferPort"/> for PostgreSQL, generically from the EF model: a collection's table
/// (<see cref="PostgresCollectionTables"/>), its key columns (<c>tenant_id</c>, then the other primary-key columns;
/// a transaction score's id is <c>investigation_id/transaction_id</c>), reads through <see cref="PostgresBulkReader"/>
/// and writes through <see cref="PostgresBulkRows"/> with the <see cref="VersionGuard"/> column as the ordering
/// column. Uses the scope's context, so a caller's open transaction covers it.
/// </summary>
public sealed class PostgresChangeTransfer(OlorinDbContext db) : IChangeTransferPort
{
    private sealed record Binding(IEntityType EntityType, IReadOnlyList<string> KeyColumns, IReadOnlyList<Func<object, object?>> KeyValues, string? Ordering);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Binding> Bindings = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<ChangeKey, object>> ReadCurrentAsync(
        string collection, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
    {
        var binding = BindingOf(collection);
        var rows = await PostgresBulkReader.ReadByKeysAsync(db, binding.EntityType, binding.KeyColumns, keys.Select(k => KeyValues(binding, k)).ToList(), cancellationToken);
        return rows.ToDictionary(r => KeyOf(collection, binding, r));
    }

    public async Task<int> WriteAsync(string collection, IReadOnlyCollection<object> documents, ChangeWriteMode mode, CancellationToken cancellationToken = default)
    {
        var binding = BindingOf(collection);
        var unique = documents.GroupBy(d => KeyOf(collection, binding, d)).Select(g => g.Last()).ToList();
        // The relay replaces: it holds the key's advisory lock on the primary while it reads the current state and
        // writes it here, so relays of one key are serialised and the later one carries the newer state. A version
        // guard would be wrong for it: a document deleted and re-created (version 1 again) would never arrive.
        var write = (mode, binding.Ordering) switch
        {
            (ChangeWriteMode.Relay, _) => PostgresBulkRows.Write.Replace,
            (_, not null) => PostgresBulkRows.Write.ReplaceOlder,
            _ => PostgresBulkRows.Write.InsertNew,
        };
        try
        {
            return await PostgresBulkRows.WriteAsync(db, binding.EntityType, unique, write, binding.Ordering, cancellationToken);
        }
        catch (PostgresException e) when (mode == ChangeWriteMode.Relay && e.SqlState == PostgresErrorCodes.UniqueViolation && db.Database.CurrentTransaction is null)
        {
            // A unique value other than the key moved between documents of this batch (templates A→B, B→C, C→A): the
            // multi-row upsert checks each row against the rows not yet replaced. The statement failed whole, so
            // nothing is written yet; the batch's documents are now removed and written again in one transaction,
            // where no stored copy of them can collide any more. A collision that remains is with a document outside
            // the batch: refused.
            return await ReplaceWholeAsync(collection, binding, unique, cancellationToken);
        }
        catch (PostgresException e) when (IsRefusal(e))
        {
            throw Refused(collection, e);
        }
    }

    private async Task<int> ReplaceWholeAsync(string collection, Binding binding, List<object> documents, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await DeleteRowsAsync(binding, documents.Select(d => KeyOf(collection, binding, d)).ToList(), cancellationToken);
            var written = await PostgresBulkRows.WriteAsync(db, binding.EntityType, documents, PostgresBulkRows.Write.Replace, binding.Ordering, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return written;
        }
        catch (PostgresException e) when (IsRefusal(e))
        {
            throw Refused(collection, e);
        }
    }

    public async Task<int> DeleteAsync(string collection, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0) return 0;
        try
        {
            return await DeleteRowsAsync(BindingOf(collection), keys, cancellationToken);
        }
        catch (PostgresException e) when (IsRefusal(e))
        {
            throw Refused(collection, e);
        }
    }

    private async Task<int> DeleteRowsAsync(Binding binding, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken)
    {
        var values = keys.Select(k => KeyValues(binding, k)).ToList();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            // Through the primary key whatever the statistics say (KeyLookup); in the caller's transaction when it has one.
            await using var command = new NpgsqlCommand(KeyLookup.Of(binding.EntityType, binding.KeyColumns).Delete(), connection,
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
            for (var i = 0; i < binding.KeyColumns.Count; i++)
                command.Parameters.Add(new NpgsqlParameter { Value = values.Select(v => v[i]).ToArray() });
            await command.PrepareAsync(cancellationToken);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    /// <summary>
    /// The store answered and refused these rows — a data exception (class 22), an integrity constraint (23) or a
    /// program limit such as a row or index entry too large (54): writing them again would fail the same way
    /// (https://www.postgresql.org/docs/15/errcodes-appendix.html). Anything else (connection, timeout, a missing
    /// table) is the store failing, not refusing.
    /// </summary>
    internal static bool IsRefusal(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("54", StringComparison.Ordinal);

    // MessageText only: the detail may quote the refused values.
    private static ChangeRefusedException Refused(string collection, PostgresException e)
        => new($"{collection}: PostgreSQL refused the write ({e.SqlState}: {e.MessageText}{(e.ConstraintName is { } c ? $", constraint {c}" : "")})", e);

    private Binding BindingOf(string collection) => Bindings.GetOrAdd(collection, name =>
    {
        if (!PostgresCollectionTables.ByCollection.TryGetValue(name, out var table))
            throw new ArgumentException($"unknown collection {name}", nameof(collection));
        var entityType = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table);
        var storeObject = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var idColumns = entityType.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName(storeObject)!).Where(c => c != "tenant_id");
        var keyColumns = new[] { "tenant_id" }.Concat(idColumns).ToList();
        return new Binding(entityType, keyColumns, keyColumns.Select(c => PostgresBulkRows.ValueOf(entityType, c)).ToList(), VersionGuard.OrderingFieldOf(name));
    });

    private static ChangeKey KeyOf(string collection, Binding binding, object document)
        => new(collection, (string)binding.KeyValues[0](document)!, string.Join('/', binding.KeyValues.Skip(1).Select(v => (string)v(document)!)));

    /// <summary>The key column values of a key: the tenant, then the id split into as many parts as there are id columns (at the first '/').</summary>
    private static string[] KeyValues(Binding binding, ChangeKey key)
    {
        var parts = binding.KeyColumns.Count == 2 ? [key.Id] : key.Id.Split('/', binding.KeyColumns.Count - 1);
        return [key.TenantId, .. parts];
    }
}
