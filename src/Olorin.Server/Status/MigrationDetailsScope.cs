using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Olorin.Core.Phases;
using Olorin.Migration.Verification;
using Olorin.Server.Migration;

namespace Olorin.Server.Status;

/// <summary>
/// Whose document ids <c>/status/migration/details</c> shows: a token with the <c>admin</c> scope sees every tenant's
/// (or one tenant's, with <c>?tenant=</c>), any other caller only its own tenant's. Applied to the members marked
/// <see cref="DocumentIdsAttribute"/> while they are serialised: shadow-read mismatches keep the caller's tenant's
/// entries, the last verification's differences (<c>collection tenant/id kind …</c>) the lines of that tenant, and free
/// text that may name any tenant's documents (the last shadow-read error, the secondary's error) is left out.
/// </summary>
public static class MigrationDetailsScope
{
    private static readonly ConcurrentDictionary<(JsonSerializerOptions, string), JsonSerializerOptions> Cache = new();

    /// <summary>The host's JSON options, with every document-id member narrowed to <paramref name="tenant"/>.</summary>
    public static JsonSerializerOptions For(JsonSerializerOptions options, string tenant)
    {
        // A small cache: the entries beyond a few hundred tenants are rebuilt per request rather than kept forever.
        if (Cache.TryGetValue((options, tenant), out var cached)) return cached;
        var scoped = Build(options, tenant);
        if (Cache.Count < 256) Cache.TryAdd((options, tenant), scoped);
        return scoped;
    }

    private static JsonSerializerOptions Build(JsonSerializerOptions source, string tenant)
    {
        var copy = new JsonSerializerOptions(source)
        {
            TypeInfoResolver = (source.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(info =>
            {
                foreach (var property in info.Properties)
                {
                    if (property.AttributeProvider?.IsDefined(typeof(DocumentIdsAttribute), inherit: true) != true || property.Get is not { } get) continue;
                    if (property.PropertyType == typeof(string)) property.ShouldSerialize = static (_, _) => false;
                    else property.Get = owner => Narrow(get(owner), tenant);
                }
            }),
        };
        copy.MakeReadOnly();
        return copy;
    }

    /// <summary>The entries of <paramref name="value"/> that belong to <paramref name="tenant"/>; null for anything that cannot be attributed.</summary>
    public static object? Narrow(object? value, string tenant) => value switch
    {
        null => null,
        IEnumerable<ShadowMismatch> mismatches => mismatches.Where(m => string.Equals(m.TenantId, tenant, StringComparison.Ordinal)).ToList(),
        IEnumerable<string> lines => lines.Where(line => IsOfTenant(line, tenant)).ToList(),
        _ => null,
    };

    /// <summary>
    /// A verification difference, <c>collection tenant/id kind [paths]</c>: collection names have no space and the
    /// tenant is written without <c>/</c> (<see cref="VerificationRecord.LineTenant"/>), so the tenant is exactly the text
    /// between the first space and the next <c>/</c>.
    /// </summary>
    private static bool IsOfTenant(string line, string tenant)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && line.AsSpan(space + 1).StartsWith(VerificationRecord.LineTenant(tenant) + "/", StringComparison.Ordinal);
    }
}
