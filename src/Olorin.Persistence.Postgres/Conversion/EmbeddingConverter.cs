using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pgvector;

namespace Olorin.Persistence.Postgres.Conversion;

/// <summary>An empty embedding is stored as NULL (a <c>vector(384)</c> cannot be empty) and read back as empty.</summary>
/// <remarks>
/// <c>convertsNulls</c> is marked as EF-internal (EF1001), but it is the only way to map NULL to a non-null model
/// value; the contract suite's embedding round-trip tests pin the behaviour across EF upgrades.
/// </remarks>
#pragma warning disable EF1001
public sealed class EmbeddingConverter() : ValueConverter<float[], Vector?>(
    v => v.Length == 0 ? null : new Vector(v),
    v => v == null ? Array.Empty<float>() : v.ToArray(),
    convertsNulls: true)
#pragma warning restore EF1001
{
    public static readonly ValueComparer<float[]> Comparer = new(
        (a, b) => a!.SequenceEqual(b!),
        v => v.Length == 0 ? 0 : HashCode.Combine(v.Length, v[0]),
        v => v.ToArray());
}
