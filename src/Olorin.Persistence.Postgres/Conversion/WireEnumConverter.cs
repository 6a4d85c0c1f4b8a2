using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Olorin.Persistence.Postgres.Conversion;

/// <summary>Stores an enum as its wire spelling (e.g. <c>IN_PROGRESS</c>, <c>stl_mad</c>), legacy aliases read too.</summary>
public sealed class WireEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => WireEnum.ToWire(v),
    v => WireEnum.Parse<TEnum>(v))
    where TEnum : struct, Enum;
