using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

/// <summary>
/// Base of every contract suite. A suite is an abstract class deriving from this, written only against the
/// ports; each backend binds it with a one-line sealed subclass (see Postgres/ and Mongo/).
/// Each test runs in its own tenant, so tests of one class share a database without seeing each other.
/// </summary>
public abstract class ContractTests(IBackendFixture backend) : IAsyncLifetime
{
    protected IBackendFixture Backend { get; } = backend;

    /// <summary>This test's tenant.</summary>
    protected string Tenant { get; } = NewId("tenant");

    /// <summary>Another tenant, to prove isolation.</summary>
    protected string OtherTenant { get; } = NewId("other");

    protected T Repo<T>() where T : notnull => Backend.Shared.Repo<T>();

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Now, at the millisecond precision every backend stores.</summary>
    protected static DateTime Now() => UtcTime.Normalize(DateTime.UtcNow);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A value in the stored (snake_case) JSON shape.</summary>
    protected static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, OlorinJson.Options);

    /// <summary>
    /// Field-for-field equality, compared as JSON trees in the stored (snake_case) shape: key order inside
    /// free-form objects is not preserved by every store (jsonb sorts keys).
    /// </summary>
    protected static void AssertSameDocument<T>(T expected, T? actual) where T : class
    {
        Assert.NotNull(actual);
        var e = Node(expected);
        var a = Node(actual);
        Assert.True(JsonNode.DeepEquals(e, a), $"Expected {e?.ToJsonString()}\nActual   {a?.ToJsonString()}");
    }

    /// <summary>
    /// Members a fixed-shape object does not know (Decision 12): both integer and fractional numbers (<c>5</c> and
    /// <c>5.0</c>), a 64-bit integer, a decimal a double cannot hold, a naive date string, null, nested objects and arrays.
    /// Nested objects have one key each, so jsonb's key order and the sent order agree.
    /// </summary>
    protected static UnknownMembers Unknown(string tag) => new(JsonDocument.Parse($$$"""
        {"legacy_tag": "{{{tag}}}", "count": 5, "ratio": 5.0, "big": 9000000000, "precise": 0.1234567890123456789,
         "naive_date": "2026-01-01T00:00:00", "nothing": null, "flag": false,
         "nested": {"deep": [1, 2.5, "x", null, {"k": {}}]}}
        """).RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)));

    /// <summary>The same members with the same values, each number written as sent (its kind included).</summary>
    protected static void AssertKeptAsSent(UnknownMembers expected, UnknownMembers? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, value) in expected)
            Assert.Equal(JsonSerializer.Serialize(value), JsonSerializer.Serialize(actual[name]));
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="ready"/> holds (at most 30 s) and returns the last answer.
    /// For search backends that index asynchronously (Atlas Search / Vector Search index writes with a short lag);
    /// a synchronous backend answers at the first call. The test asserts on the answer as usual.
    /// </summary>
    protected static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var answer = await probe();
        while (!ready(answer) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, Ct);
            answer = await probe();
        }
        return answer;
    }

    public virtual ValueTask InitializeAsync()
    {
        if (Backend.SkipReason is { } reason) Assert.Skip(reason);
        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
