using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres;
using Olorin.Server.Migration;
using Olorin.Server.Status;
using Olorin.Server.Tests.Api;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Migration;

/// <summary>
/// Shadow reads and the <c>/status/migration</c> gate, in phase <c>dual</c> over two real PostgreSQL databases. The
/// relay is not under test here: documents reach the secondary through the ports, as <c>migrate</c> copies them.
/// </summary>
public sealed class MigrationGateTests(MigrationGateFixture fixture) : IClassFixture<MigrationGateFixture>
{
    // How long the shadow-read worker (a background queue) may take to get there: a bound for a test that fails, not
    // an expected latency; 60 s as the phase tests (20 s is within reach of a 2-core machine at load 20-40).
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_document_altered_on_the_secondary_is_a_shadow_mismatch_with_its_id_and_field_and_blocks_advancing_until_resolved()
    {
        await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow));
        var client = fixture.Client(_tenant);
        var id = await CreateDetectorAsync(client);
        var original = await fixture.CopyToSecondaryAsync("detectors", _tenant, id);

        var before = await ShadowAsync();
        (await client.GetAsync($"/detectors/{id}", Ct)).EnsureSuccessStatusCode();
        var matched = await WaitForShadowAsync(s => Count(s, "matched") > Count(before, "matched"));
        Assert.Equal(Count(before, "mismatched"), Count(matched, "mismatched"));
        Assert.True((await StatusAsync())["safe_to_advance"]!.GetValue<bool>(), (await StatusAsync()).ToJsonString());

        // Behind the API's back: the secondary's copy gets another name.
        await fixture.CopyToSecondaryAsync("detectors", _tenant, id, d => { ((Detector)d).Name = "tampered on the secondary"; return d; });
        (await client.GetAsync($"/detectors/{id}", Ct)).EnsureSuccessStatusCode();
        var mismatched = await WaitForShadowAsync(s => Count(s, "mismatched") > Count(before, "mismatched"));
        var latest = mismatched["latest_mismatches"]!.AsArray()[0]!;
        Assert.Equal("detectors", latest["collection"]!.GetValue<string>());
        Assert.Equal(_tenant, latest["tenant_id"]!.GetValue<string>());
        Assert.Equal(id, latest["id"]!.GetValue<string>());
        Assert.Equal(["name"], latest["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(1, mismatched["unresolved"]!.GetValue<int>());
        Assert.Equal(id, mismatched["unresolved_mismatches"]![0]!["id"]!.GetValue<string>());

        var status = await StatusAsync();
        Assert.False(status["safe_to_advance"]!.GetValue<bool>());
        var reason = Assert.Single(status["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("shadow_reads:", StringComparison.Ordinal))!.GetValue<string>();
        Assert.Contains("latest in detectors at name", reason);

        // Anonymous monitoring gets the verdict, the reasons and the counts, never a document id.
        var anonymous = await AnonymousStatusAsync();
        Assert.False(anonymous["safe_to_advance"]!.GetValue<bool>());
        Assert.Equal(status["reasons"]!.ToJsonString(), anonymous["reasons"]!.ToJsonString());
        Assert.Equal(1, anonymous["shadow_reads"]!["unresolved"]!.GetValue<int>());
        Assert.Null(anonymous["shadow_reads"]!["latest_mismatches"]);
        Assert.Null(anonymous["shadow_reads"]!["unresolved_mismatches"]);
        Assert.DoesNotContain(id, anonymous.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_tenant, anonymous.ToJsonString(), StringComparison.Ordinal);

        // Repaired: the next shadow read of it matches, and nothing blocks any more.
        await fixture.CopyToSecondaryAsync("detectors", _tenant, id, _ => original);
        var matchedBefore = Count(await ShadowAsync(), "matched");
        (await client.GetAsync($"/detectors/{id}", Ct)).EnsureSuccessStatusCode();
        var repaired = await WaitForShadowAsync(s => Count(s, "matched") > matchedBefore);
        Assert.Equal(0, repaired["unresolved"]!.GetValue<int>());
        status = await StatusAsync();
        Assert.True(status["safe_to_advance"]!.GetValue<bool>(), status.ToJsonString());
        Assert.Equal(id, status["shadow_reads"]!["latest_mismatches"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_mismatch_seen_before_a_clean_verification_no_longer_blocks()
    {
        await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow.AddMinutes(-5)));
        var client = fixture.Client(_tenant);
        var id = await CreateDetectorAsync(client);
        await fixture.CopyToSecondaryAsync("detectors", _tenant, id, d => { ((Detector)d).Enabled = !((Detector)d).Enabled; return d; });
        var before = await ShadowAsync();
        (await client.GetAsync($"/detectors/{id}", Ct)).EnsureSuccessStatusCode();
        await WaitForShadowAsync(s => Count(s, "mismatched") > Count(before, "mismatched"));
        Assert.False((await StatusAsync())["safe_to_advance"]!.GetValue<bool>());

        await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow.AddSeconds(1)));
        var status = await StatusAsync();
        Assert.True(status["safe_to_advance"]!.GetValue<bool>(), status.ToJsonString());
        Assert.Equal(0, status["shadow_reads"]!["unresolved"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_document_with_a_pending_change_is_skipped_not_a_mismatch()
    {
        await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow));
        var client = fixture.Client(_tenant);
        var id = await CreateDetectorAsync(client);
        await fixture.CopyToSecondaryAsync("detectors", _tenant, id, d => { ((Detector)d).Name = "the relay has not applied the change yet"; return d; });
        fixture.Pending.Add("detectors", _tenant, id);

        var before = await ShadowAsync();
        (await client.GetAsync($"/detectors/{id}", Ct)).EnsureSuccessStatusCode();
        var after = await WaitForShadowAsync(s => Count(s, "skipped_pending") > Count(before, "skipped_pending"));
        Assert.Equal(Count(before, "mismatched"), Count(after, "mismatched"));
        Assert.DoesNotContain(after["latest_mismatches"]!.AsArray(), m => m!["id"]!.GetValue<string>() == id);
        Assert.True((await StatusAsync())["safe_to_advance"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Every_resource_with_a_by_id_read_is_shadowed_and_a_missing_secondary_copy_is_a_whole_document_mismatch()
    {
        await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow));
        var client = fixture.Client(_tenant);
        var template = await (await client.PostAsJsonAsync("/templates", new { name = "t", template = new { entity_type = "email", agents = new[] { "network" } } }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var id = template["template_id"]!.GetValue<string>();
        var before = await ShadowAsync();
        (await client.GetAsync($"/templates/{id}", Ct)).EnsureSuccessStatusCode();
        var after = await WaitForShadowAsync(s => Count(s, "mismatched") > Count(before, "mismatched"));
        var latest = after["latest_mismatches"]![0]!;
        Assert.Equal(("templates", id), (latest["collection"]!.GetValue<string>(), latest["id"]!.GetValue<string>()));
        Assert.Equal(["(document)"], latest["fields"]!.AsArray().Select(f => f!.GetValue<string>()));

        // Resolved by copying it, so the next tests start unblocked.
        await fixture.CopyToSecondaryAsync("templates", _tenant, id);
        var matchedBefore = Count(await ShadowAsync(), "matched");
        (await client.GetAsync($"/templates/{id}", Ct)).EnsureSuccessStatusCode();
        await WaitForShadowAsync(s => Count(s, "matched") > matchedBefore && s["unresolved"]!.GetValue<int>() == 0);

        Assert.Equal(
            Olorin.Core.Ports.RepositoryRegistration.Ports.Where(p => p.GetMethods().Any(ShadowReadTargets.IsByIdRead)).OrderBy(p => p.Name),
            ShadowReadTargets.Collections.Keys.OrderBy(p => p.Name));
        Assert.All(ShadowReadTargets.Collections.Values, c => Assert.Contains(c, Olorin.Migration.Collections.MigrationCollections.Names));
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        Assert.All(ShadowReadTargets.Collections.Keys, port => Assert.IsAssignableFrom<ShadowReadProxy>(scope.ServiceProvider.GetRequiredService(port)));
    }

    [Fact]
    public async Task The_verdict_names_each_verification_blocker()
    {
        try
        {
            await fixture.RecordVerificationAsync(null);
            await AssertBlockedAsync("verification: verify-migration has never recorded a run");

            await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow) with
            {
                Clean = false, Different = 3, Differences = ["detectors tenant-x/secret-id different [name]"],
            });
            await AssertBlockedAsync("was not clean: 0 missing, 0 extra, 3 different");
            Assert.Equal("detectors tenant-x/secret-id different [name]", (await StatusAsync())["verification"]!["last_run"]!["differences"]![0]!.GetValue<string>());
            var anonymous = await AnonymousStatusAsync();
            Assert.Equal(3, anonymous["verification"]!["last_run"]!["different"]!.GetValue<long>());
            Assert.Null(anonymous["verification"]!["last_run"]!["differences"]);
            Assert.DoesNotContain("secret-id", anonymous.ToJsonString(), StringComparison.Ordinal);

            await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow.AddMinutes(-61)));
            await AssertBlockedAsync("more than VERIFY_MAX_AGE_MINUTES (60)");

            await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow) with { Collections = ["detectors"] });
            await AssertBlockedAsync("compared only detectors");

            await fixture.RecordVerificationAsync(MigrationGateFixture.CleanRecord(DateTime.UtcNow.AddMinutes(-2)));
            var status = await StatusAsync();
            Assert.True(status["safe_to_advance"]!.GetValue<bool>(), status.ToJsonString());
            Assert.Empty(status["reasons"]!.AsArray());
            Assert.Equal("dual", status["phase"]!.GetValue<string>());
            Assert.Equal(PostgresPersistence.BackendName, status["secondary_backend"]!.GetValue<string>());
            var verification = status["verification"]!;
            Assert.Equal(60, verification["max_age_minutes"]!.GetValue<int>());
            Assert.InRange(verification["age_minutes"]!.GetValue<double>(), 1.9, 3);
            Assert.True(verification["last_run"]!["clean"]!.GetValue<bool>());
            Assert.True(status["shadow_reads"]!["active"]!.GetValue<bool>());
            Assert.Equal(1.0, status["shadow_reads"]!["sample_rate"]!.GetValue<double>());
            Assert.True(status["test_source"]!["answered"]!.GetValue<bool>());

            fixture.Extra.Blocker = "outbox holds 12 changes";
            await AssertBlockedAsync("test_source: outbox holds 12 changes");
            fixture.Extra.Blocker = null;
            fixture.Extra.Failure = new InvalidOperationException("secondary said no");
            await AssertBlockedAsync("test_source: could not report: secondary said no");
            fixture.Extra.Failure = null;
            fixture.Extra.Hang = true;
            var clock = Stopwatch.StartNew();
            await AssertBlockedAsync($"test_source: did not answer within {MigrationStatusApi.SourceTimeout.TotalSeconds:0} s");
            Assert.InRange(clock.Elapsed, MigrationStatusApi.SourceTimeout, MigrationStatusApi.SourceTimeout * 3);
        }
        finally
        {
            fixture.Extra.Blocker = null;
            fixture.Extra.Failure = null;
            fixture.Extra.Hang = false;
        }
    }

    private async Task AssertBlockedAsync(string reason)
    {
        var status = await StatusAsync();
        Assert.False(status["safe_to_advance"]!.GetValue<bool>());
        Assert.Contains(status["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains(reason, StringComparison.Ordinal));
    }

    private static async Task<string> CreateDetectorAsync(HttpClient client)
    {
        var created = await (await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(), Ct)).AssertJsonAsync(HttpStatusCode.Created);
        return created["detector_id"]!.GetValue<string>();
    }

    /// <summary>The details (with document ids), as an authenticated caller sees them.</summary>
    private async Task<JsonObject> StatusAsync()
        => await (await fixture.Client(_tenant).GetAsync(MigrationStatusApi.DetailsPath, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    private async Task<JsonObject> AnonymousStatusAsync()
        => await (await fixture.Factory.CreateClient().GetAsync("/status/migration", Ct)).AssertJsonAsync(HttpStatusCode.OK);

    private async Task<JsonObject> ShadowAsync() => (await StatusAsync())["shadow_reads"]!.AsObject();

    private async Task<JsonObject> WaitForShadowAsync(Func<JsonObject, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var shadow = await ShadowAsync();
            if (condition(shadow)) return shadow;
            if (clock.Elapsed > Patience) Assert.Fail($"shadow reads did not get there within {Patience}: {shadow.ToJsonString()}");
            await Task.Delay(50, Ct);
        }
    }

    private static long Count(JsonObject shadow, string name) => shadow[name]!.GetValue<long>();
}

/// <summary>The gate outside a migration, the sample rate 0, and the settings' validation.</summary>
public sealed class MigrationGateSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_phase_postgres_the_status_answers_with_no_secondary_and_not_safe_to_advance()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var factory = new OlorinApiFactory(OlorinApiFactory.SettingsFor(database.ConnectionString));
        var status = await (await factory.CreateClient().GetAsync("/status/migration", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("postgres", status["phase"]!.GetValue<string>());
        Assert.Equal(PostgresPersistence.BackendName, status["primary_backend"]!.GetValue<string>());
        Assert.Null(status["secondary_backend"]);
        Assert.False(status["safe_to_advance"]!.GetValue<bool>());
        Assert.Contains(status["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("nothing to advance from"));
        Assert.False(status["shadow_reads"]!["active"]!.GetValue<bool>());
        Assert.Null(status["verification"]!["last_run"]);
        Assert.DoesNotContain(status["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("verification:"));
    }

    [Fact]
    public async Task At_sample_rate_0_no_read_is_sampled_and_the_ports_are_not_wrapped()
    {
        await using var primary = await PostgresTestDatabase.CreateAsync();
        await using var secondaryDatabase = await PostgresTestDatabase.CreateAsync();
        await using var secondary = MigrationGateFixture.SecondaryOver(secondaryDatabase.ConnectionString);
        await secondary.MigratePostgresAsync(Ct);
        await using var factory = MigrationGateFixture.DualServer(primary.ConnectionString, secondary, sampleRate: "0");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Tenant-Id", "tenant-rate-0");
        client.DefaultRequestHeaders.Add("X-User-Id", "alice");
        var created = await (await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(), Ct)).AssertJsonAsync(HttpStatusCode.Created);
        for (var i = 0; i < 20; i++) (await client.GetAsync($"/detectors/{created["detector_id"]!.GetValue<string>()}", Ct)).EnsureSuccessStatusCode();
        await Task.Delay(300, Ct);

        var status = await (await factory.CreateClient().GetAsync("/status/migration", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var shadow = status["shadow_reads"]!;
        Assert.False(shadow["active"]!.GetValue<bool>());
        Assert.Equal(0.0, shadow["sample_rate"]!.GetValue<double>());
        foreach (var counter in new[] { "sampled", "compared", "matched", "mismatched", "skipped_pending", "errors", "dropped" })
            Assert.Equal(0, shadow[counter]!.GetValue<long>());
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.IsNotAssignableFrom<ShadowReadProxy>(scope.ServiceProvider.GetRequiredService<IDetectorRepository>());
    }

    [Theory]
    [InlineData("SHADOW_READ_SAMPLE_RATE", "1.5")]
    [InlineData("SHADOW_READ_SAMPLE_RATE", "-0.1")]
    [InlineData("SHADOW_READ_SAMPLE_RATE", "often")]
    [InlineData("VERIFY_MAX_AGE_MINUTES", "0")]
    public async Task A_bad_gate_setting_exits_1_with_one_line_naming_it(string variable, string value)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        settings[variable] = value;

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains(variable, fatal);
    }
}
