using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Migration.Canonical;
using Olorin.Migration.Collections;
using Olorin.Migration.Seeding;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Outbox;

namespace Olorin.Migration.Tests;

/// <summary>
/// The documents the relay reads by key (<see cref="PostgresChangeTransfer.ReadCurrentAsync"/>) and the migration
/// tools export are the ones EF reads from the same rows — every collection, and a row per table with every nullable
/// column NULL (a nullable complex property absent, an embedding stored as NULL). The relay and the verifier both read
/// through the same bulk reader, so only a comparison with EF shows a value the reader materializes differently.
/// </summary>
public sealed class BulkReadTests
{
    [Fact]
    public async Task Documents_read_by_key_and_exported_are_the_documents_ef_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-read", 6).WriteAsync(store.Services, cancellationToken: ct);
        await NullEveryNullableColumnOfOneRowAsync(store);

        await using var scope = store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        foreach (var collection in MigrationCollections.All)
        {
            var table = PostgresCollectionTables.ByCollection[collection.Name];
            var entityType = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table);
            var byEf = (await ReadWithEfAsync(db, entityType.ClrType, ct)).ToDictionary(d => collection.KeyOf(d), d => Canonical(d));
            Assert.NotEmpty(byEf);

            var keys = byEf.Keys.Select(k => new ChangeKey(collection.Name, k.TenantId, k.Id)).ToList();
            var byKey = await new PostgresChangeTransfer(db).ReadCurrentAsync(collection.Name, keys, ct);
            Assert.Equal(byEf.Count, byKey.Count);
            foreach (var (key, document) in byKey)
                Assert.Equal(byEf[new DocumentKey(key.TenantId, key.Id)], Canonical(document));

            var exported = 0;
            await foreach (var document in collection.ExportAsync(store.Services, null, ct))
            {
                Assert.Equal(byEf[document.Key], Canonical(document.Document));
                exported++;
            }
            Assert.Equal(byEf.Count, exported);
        }
    }

    [Fact]
    public async Task Documents_written_by_the_relay_are_stored_as_the_primary_stores_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await PostgresEndpoint.CreateAsync();
        await using var secondary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-write", 6).WriteAsync(primary.Services, cancellationToken: ct);
        await NullEveryNullableColumnOfOneRowAsync(primary);

        await using var from = primary.Services.CreateAsyncScope();
        await using var to = secondary.Services.CreateAsyncScope();
        var source = from.ServiceProvider.GetRequiredService<OlorinDbContext>();
        var target = new PostgresChangeTransfer(to.ServiceProvider.GetRequiredService<OlorinDbContext>());
        foreach (var collection in MigrationCollections.All)
        {
            var table = PostgresCollectionTables.ByCollection[collection.Name];
            var documents = await ReadWithEfAsync(source, source.Model.GetEntityTypes().Single(e => e.GetTableName() == table).ClrType, ct);
            Assert.Equal(documents.Count, await target.WriteAsync(collection.Name, documents, ChangeWriteMode.Relay, ct));
            // Every stored column, as PostgreSQL prints it: jsonb, arrays, vectors, timestamps and NULLs alike — but the
            // anomalies' change_xid, the writing transaction's id that each database stamps itself (not a document field).
            var columns = await primary.ScalarAsync<string>($"""
                SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = '{table}' AND column_name <> 'change_xid'
                """);
            var rows = $"SELECT string_agg(r::text, E'\\n' ORDER BY r::text) FROM (SELECT {columns} FROM {table}) r";
            Assert.Equal(await primary.ScalarAsync<string>(rows), await secondary.ScalarAsync<string>(rows));
        }
    }

    private static string Canonical(object document) => System.Text.Encoding.UTF8.GetString(CanonicalForm.Of(document));

    /// <summary>For each table, the row first in key order gets NULL in every column that allows it.</summary>
    private static async Task NullEveryNullableColumnOfOneRowAsync(PostgresEndpoint store)
    {
        foreach (var table in PostgresCollectionTables.ByCollection.Values)
        {
            var columns = await store.ScalarAsync<string>($"""
                SELECT string_agg(quote_ident(column_name) || ' = NULL', ', ') FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = '{table}' AND is_nullable = 'YES' AND is_generated = 'NEVER'
                """);
            if (columns is null) continue;
            var nulled = await store.ExecuteAsync($"""
                UPDATE {table} SET {columns} WHERE ctid = (SELECT ctid FROM {table} ORDER BY 1 LIMIT 1)
                """);
            Assert.Equal(1, nulled);
        }
    }

    private static async Task<List<object>> ReadWithEfAsync(OlorinDbContext db, Type type, CancellationToken ct)
    {
        var read = typeof(BulkReadTests).GetMethod(nameof(ReadAllAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type);
        return await (Task<List<object>>)read.Invoke(null, [db, ct])!;
    }

    private static async Task<List<object>> ReadAllAsync<T>(OlorinDbContext db, CancellationToken ct) where T : class
        => [.. await db.Set<T>().AsNoTracking().ToListAsync(ct)];
}
