using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Seeding;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

/// <summary>
/// The verifier is itself tested: a copy is made equal, then one fault at a time is injected into the target
/// (one field, one number kind, one embedding component by one ulp, one timestamp by a millisecond, one document
/// deleted, one added), and each must be found and named; after the fault is undone the copy verifies equal again.
/// Every mutation runs on both paths: the portable one (canonical form of every document, as PostgreSQL ↔ MongoDB)
/// and the PostgreSQL ↔ PostgreSQL raw one (server-side range digests first, canonical form for differing ranges).
/// </summary>
public sealed class VerifierMutationTests(MutationFixture fixture) : IClassFixture<MutationFixture>
{
    private const string Tenant = MutationFixture.Tenant;
    private readonly SyntheticDataset dataset = fixture.Dataset;
    private readonly PostgresEndpoint source = fixture.Source;
    private readonly PostgresEndpoint target = fixture.Target;

    private async Task<CollectionVerification> VerifyAsync(string collection, bool raw, int rangeSize = 64)
    {
        var result = (await new Verifier(source.Endpoint, target.Endpoint, new VerifyOptions { RangeSize = rangeSize, Restart = true, RawRows = raw }, new QuietObserver())
            .VerifyAsync(MigrationCollections.Select([collection]), TestContext.Current.CancellationToken)).Single();
        Assert.Equal(raw, result.Raw);
        return result;
    }

    private async Task AssertEqualAgainAsync(string collection, bool raw)
    {
        var result = await VerifyAsync(collection, raw);
        Assert.True(result.Equal, $"{collection} not equal after undoing the fault: {string.Join("; ", result.Mismatches.Select(m => $"{m.Kind} {m.Id}"))}");
    }

    private static DocumentMismatch Single(CollectionVerification result, string kind, string id)
    {
        Assert.False(result.Equal);
        Assert.Equal(1, result.DifferingRanges);
        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal(kind, mismatch.Kind);
        Assert.Equal(id, mismatch.Id);
        Assert.Equal(Tenant, mismatch.TenantId);
        return mismatch;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_copy_starts_equal_in_every_collection(bool raw)
    {
        var results = await new Verifier(source.Endpoint, target.Endpoint, new VerifyOptions { RangeSize = 100, Restart = true, RawRows = raw }, new QuietObserver())
            .VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.True(r.Equal, r.Collection));
        Assert.All(results, r => Assert.Equal(raw, r.Raw));
        Assert.All(results, r => Assert.Equal(0, r.DifferingRanges));
        Assert.Equal("200/200 (100.0%)", results.Single(r => r.Collection == "anomaly_events").Embeddings!.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_changed_field_is_found_with_its_path(bool raw)
    {
        var id = dataset.InvestigationId(17);
        await target.ExecuteAsync($"UPDATE investigation_states SET settings = jsonb_set(settings, '{{name}}', '\"tampered\"') WHERE investigation_id = '{id}'");
        var mismatch = Single(await VerifyAsync("investigations", raw), MismatchKinds.Different, id);
        var field = Assert.Single(mismatch.Fields);
        Assert.Equal("settings.name", field.Path);
        Assert.Equal("\"Investigation 17\"", field.Source);
        Assert.Equal("\"tampered\"", field.Target);

        await target.ExecuteAsync($"UPDATE investigation_states SET settings = jsonb_set(settings, '{{name}}', '\"Investigation 17\"') WHERE investigation_id = '{id}'");
        await AssertEqualAgainAsync("investigations", raw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_integer_turned_into_a_double_of_equal_value_is_found(bool raw)
    {
        var id = dataset.InvestigationId(5); // additional_config.count = 5 % 13 = 5
        await target.ExecuteAsync($"UPDATE investigation_states SET settings = jsonb_set(settings, '{{additional_config,count}}', '5.0') WHERE investigation_id = '{id}'");
        var field = Assert.Single(Single(await VerifyAsync("investigations", raw), MismatchKinds.Different, id).Fields);
        Assert.Equal("settings.additional_config.count", field.Path);
        Assert.Equal("5 (integer)", field.Source);
        Assert.Equal("5.0 (double)", field.Target);

        await target.ExecuteAsync($"UPDATE investigation_states SET settings = jsonb_set(settings, '{{additional_config,count}}', '5') WHERE investigation_id = '{id}'");
        await AssertEqualAgainAsync("investigations", raw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_embedding_component_off_by_one_ulp_is_found_and_lowers_the_coverage(bool raw)
    {
        var id = dataset.AnomalyId(42);
        AnomalyEvent original;
        await using (var scope = target.Services.CreateAsyncScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IAnomalyEventRepository>();
            original = await repository.ExportAsync(new TenantKey(dataset.TenantId, dataset.AnomalyId(41)), TestContext.Current.CancellationToken).FirstAsync(TestContext.Current.CancellationToken);
            Assert.Equal(id, original.AnomalyId);
            var tampered = await repository.ExportAsync(new TenantKey(dataset.TenantId, dataset.AnomalyId(41)), TestContext.Current.CancellationToken).FirstAsync(TestContext.Current.CancellationToken);
            tampered.Embedding[7] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(tampered.Embedding[7]) + 1);
            await repository.BulkUpsertAsync([tampered], TestContext.Current.CancellationToken);
        }
        var result = await VerifyAsync("anomaly_events", raw);
        var field = Assert.Single(Single(result, MismatchKinds.Different, id).Fields);
        Assert.Equal("embedding[7]", field.Path);
        Assert.Equal("199/200 (99.5%)", result.Embeddings!.ToString());

        await using (var scope = target.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IAnomalyEventRepository>().BulkUpsertAsync([original], TestContext.Current.CancellationToken);
        await AssertEqualAgainAsync("anomaly_events", raw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_timestamp_moved_by_one_millisecond_is_found(bool raw)
    {
        var investigation = dataset.InvestigationId(9);
        await target.ExecuteAsync($"UPDATE transaction_scores SET created_at = created_at + interval '1 millisecond' WHERE investigation_id = '{investigation}' AND transaction_id = 'tx-00000028'");
        var field = Assert.Single(Single(await VerifyAsync("transaction_scores", raw), MismatchKinds.Different, $"{investigation}/tx-00000028").Fields);
        Assert.Equal("created_at", field.Path);

        await target.ExecuteAsync($"UPDATE transaction_scores SET created_at = created_at - interval '1 millisecond' WHERE investigation_id = '{investigation}' AND transaction_id = 'tx-00000028'");
        await AssertEqualAgainAsync("transaction_scores", raw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deleted_document_is_missing_and_an_added_one_is_extra(bool raw)
    {
        var deleted = $"{Tenant}-audit-00000123";
        var saved = await target.ScalarAsync<string>($"SELECT row_to_json(t)::text FROM investigation_audit_log t WHERE entry_id = '{deleted}'");
        Assert.NotNull(saved);
        await target.ExecuteAsync($"DELETE FROM investigation_audit_log WHERE entry_id = '{deleted}'");
        var missing = await VerifyAsync("audit_log", raw);
        Single(missing, MismatchKinds.Missing, deleted);
        Assert.Equal(missing.SourceCount - 1, missing.TargetCount);
        await target.ExecuteAsync($"INSERT INTO investigation_audit_log SELECT * FROM json_populate_record(NULL::investigation_audit_log, '{saved!.Replace("'", "''")}')");
        await AssertEqualAgainAsync("audit_log", raw);

        var extra = new Detector { DetectorId = $"{Tenant}-det-zzzzz", Name = "only on the target", TenantId = Tenant, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        await using (var scope = target.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IDetectorRepository>().BulkUpsertAsync([extra], TestContext.Current.CancellationToken);
        var result = await VerifyAsync("detectors", raw);
        Single(result, MismatchKinds.Extra, extra.DetectorId);
        Assert.Equal(result.SourceCount + 1, result.TargetCount);
        await target.ExecuteAsync($"DELETE FROM detectors WHERE detector_id = '{extra.DetectorId}'");
        await AssertEqualAgainAsync("detectors", raw);
    }

    // PostgreSQL hashes bigint and timestamp(tz) values through hashint8extended, which folds the 64 bits to 32
    // (high XOR low half): a value and its XOR with 2^32 + 1 hash alike. A digest that hashed those columns natively
    // would call these two stores equal; the first assertion shows the pair really collides in the native hash.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bigint_and_a_timestamp_changed_where_the_native_hash_folds_them_are_found(bool raw)
    {
        var run = $"{Tenant}-run-{5:D6}"; // finished: its duration_ms (bigint) is set
        const string Epoch = "timestamptz '2000-01-01 00:00:00+00'";
        const string Micros = $"((extract(epoch FROM started_at - {Epoch}) * 1000000)::bigint)";
        var fold = $"""
            UPDATE detection_runs SET duration_ms = duration_ms # 4294967297,
                started_at = {Epoch} + ({Micros} # 4294967297) * interval '1 microsecond'
            WHERE run_id = '{run}'
            """;
        var before = await target.ScalarAsync<string>($"SELECT duration_ms || ' ' || started_at FROM detection_runs WHERE run_id = '{run}'");
        var nativeBefore = await target.ScalarAsync<long>($"SELECT hash_record_extended(ROW(duration_ms, started_at), 0) FROM detection_runs WHERE run_id = '{run}'");
        await target.ExecuteAsync(fold);
        try
        {
            Assert.NotEqual(before, await target.ScalarAsync<string>($"SELECT duration_ms || ' ' || started_at FROM detection_runs WHERE run_id = '{run}'"));
            Assert.Equal(nativeBefore, await target.ScalarAsync<long>($"SELECT hash_record_extended(ROW(duration_ms, started_at), 0) FROM detection_runs WHERE run_id = '{run}'"));
            var mismatch = Single(await VerifyAsync("detection_runs", raw), MismatchKinds.Different, run);
            Assert.Equal(["duration_ms", "started_at"], mismatch.Fields.Select(f => f.Path).Order(StringComparer.Ordinal));
        }
        finally
        {
            await target.ExecuteAsync(fold); // XOR twice: the original values
        }
        await AssertEqualAgainAsync("detection_runs", raw);
    }

    // The raw digest sums one hash per row; a row hash linear in its columns' hashes (as hash_record_extended alone)
    // would keep that sum when values trade places between rows of one range. Both rows must be named.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_column_swapped_between_two_rows_of_a_range_is_found_in_both(bool raw)
    {
        var investigation = dataset.InvestigationId(9);
        string[] transactions = ["tx-00000027", "tx-00000028"];
        const string Swap = """
            UPDATE transaction_scores t SET risk_score = o.risk_score FROM transaction_scores o
            WHERE t.tenant_id = o.tenant_id AND t.investigation_id = o.investigation_id AND t.investigation_id = '{0}'
              AND ((t.transaction_id = '{1}' AND o.transaction_id = '{2}') OR (t.transaction_id = '{2}' AND o.transaction_id = '{1}'))
            """;
        var scores = await target.ScalarAsync<string>($"SELECT string_agg(DISTINCT risk_score::text, ',') FROM transaction_scores WHERE investigation_id = '{investigation}' AND transaction_id IN ('{transactions[0]}', '{transactions[1]}')");
        Assert.Contains(",", scores); // two different values, or the swap would change nothing
        await target.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Swap, investigation, transactions[0], transactions[1]));
        try
        {
            var result = await VerifyAsync("transaction_scores", raw, rangeSize: 10_000);
            Assert.False(result.Equal);
            Assert.Equal(transactions.Select(t => $"{investigation}/{t}"), result.Mismatches.Select(m => m.Id).Order(StringComparer.Ordinal));
            Assert.All(result.Mismatches, m => Assert.Equal(MismatchKinds.Different, m.Kind));
            Assert.All(result.Mismatches, m => Assert.Equal("risk_score", Assert.Single(m.Fields).Path));
        }
        finally
        {
            await target.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Swap, investigation, transactions[0], transactions[1]));
        }
        await AssertEqualAgainAsync("transaction_scores", raw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Payloads_traded_between_two_keys_are_found_in_both(bool raw)
    {
        string[] ids = [dataset.InvestigationId(3), dataset.InvestigationId(4)];
        var swap = $"""
            UPDATE investigation_states t SET settings = o.settings, status = o.status, progress = o.progress, results = o.results, updated_at = o.updated_at
            FROM investigation_states o
            WHERE t.tenant_id = o.tenant_id AND t.investigation_id IN ('{ids[0]}', '{ids[1]}') AND o.investigation_id IN ('{ids[0]}', '{ids[1]}')
              AND t.investigation_id <> o.investigation_id
            """;
        await target.ExecuteAsync(swap);
        try
        {
            var result = await VerifyAsync("investigations", raw, rangeSize: 10_000);
            Assert.False(result.Equal);
            Assert.Equal(ids.Order(StringComparer.Ordinal), result.Mismatches.Select(m => m.Id).Order(StringComparer.Ordinal));
            Assert.All(result.Mismatches, m => Assert.Equal(MismatchKinds.Different, m.Kind));
            Assert.All(result.Mismatches, m => Assert.Contains(m.Fields, f => f.Path == "settings.name"));
        }
        finally
        {
            await target.ExecuteAsync(swap);
        }
        await AssertEqualAgainAsync("investigations", raw);
    }

    [Fact]
    public async Task The_cli_exits_1_naming_the_document_and_the_jsonb_field_path()
    {
        var id = dataset.InvestigationId(3);
        await target.ExecuteAsync($"UPDATE investigation_states SET metadata = jsonb_set(metadata, '{{custom_fields,ticket}}', '\"T-999\"') WHERE investigation_id = '{id}'");
        try
        {
            var result = await CliProcess.RunAsync(TimeSpan.FromMinutes(3), "verify-migration", "--from", source.Url, "--to", target.Url,
                "--collections", "investigations", "--json", "--restart");
            Assert.True(result.ExitCode == 1, result.ToString());
            var mismatch = Assert.Single(result.Json.GetProperty("collections")[0].GetProperty("mismatches").EnumerateArray());
            Assert.Equal("different", mismatch.GetProperty("kind").GetString());
            Assert.Equal(id, mismatch.GetProperty("id").GetString());
            Assert.Equal("metadata.custom_fields.ticket", mismatch.GetProperty("fields")[0].GetProperty("path").GetString());
            Assert.Contains(id, result.Stderr);
            Assert.Contains("metadata.custom_fields.ticket", result.Stderr);
            Assert.DoesNotContain("olorin:olorin", result.Stdout + result.Stderr); // no password printed
        }
        finally
        {
            await target.ExecuteAsync($"UPDATE investigation_states SET metadata = jsonb_set(metadata, '{{custom_fields,ticket}}', '\"T-3\"') WHERE investigation_id = '{id}'");
        }
    }
}

/// <summary>A small dataset copied once; every mutation test undoes its fault, so they share it (run one after another).</summary>
public sealed class MutationFixture : IAsyncLifetime
{
    public const string Tenant = "tenant-mut";

    public SyntheticDataset Dataset { get; } = new(Tenant, 200, seed: 11);
    public PostgresEndpoint Source { get; private set; } = null!;
    public PostgresEndpoint Target { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Source = await PostgresEndpoint.CreateAsync();
        Target = await PostgresEndpoint.CreateAsync();
        await Dataset.WriteAsync(Source.Services);
        // The portable path (through the models), as PostgreSQL ↔ MongoDB copies; the raw path is RawCopyTests'.
        var copied = await new CopyEngine(Source.Endpoint, Target.Endpoint, new CopyOptions { BatchSize = 300, RawRows = false }, new QuietObserver())
            .CopyAsync(MigrationCollections.All, CancellationToken.None);
        foreach (var c in copied)
            if (c.Copied != c.SourceCount || c.Raw) throw new InvalidOperationException($"{c.Collection}: copied {c.Copied} of {c.SourceCount} (raw: {c.Raw})");
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Target.DisposeAsync();
    }
}
