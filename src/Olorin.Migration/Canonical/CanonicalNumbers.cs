using System.Globalization;
using System.Text.Json;

namespace Olorin.Migration.Canonical;

/// <summary>How the canonical form writes numbers, timestamps and the values the preflight must flag.</summary>
public static class CanonicalNumbers
{
    /// <summary>Shortest round-trip digits, always with a fraction or exponent so a double never reads as an integer.</summary>
    public static string Double(double value)
    {
        if (!double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0";
    }

    /// <summary><see cref="Double"/> written straight into <paramref name="writer"/> as UTF-8, without a string in between.</summary>
    public static void WriteDouble(System.Text.Json.Utf8JsonWriter writer, double value)
    {
        Span<byte> buffer = stackalloc byte[40];
        if (!value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture)) { writer.WriteRawValue(Double(value), skipInputValidation: true); return; }
        if (buffer[..written].IndexOfAny((byte)'.', (byte)'E') < 0) { buffer[written++] = (byte)'.'; buffer[written++] = (byte)'0'; }
        writer.WriteRawValue(buffer[..written], skipInputValidation: true);
    }

    /// <summary><see cref="Timestamp"/> written straight into <paramref name="writer"/>: the round-trip ("O") format of a UTC time is exactly it.</summary>
    public static void WriteTimestamp(System.Text.Json.Utf8JsonWriter writer, DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        Span<byte> buffer = stackalloc byte[40];
        if (utc.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture)) writer.WriteStringValue(buffer[..written]);
        else writer.WriteStringValue(Timestamp(value));
    }

    /// <summary>UTC with all 100 ns ticks (never truncated: truncation is what the preflight must catch, not hide).</summary>
    public static string Timestamp(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The number kinds free-form JSON keeps on both backends.</summary>
    public enum Kind { Integer, Double, Decimal }

    /// <summary>
    /// The kind a stored JSON number has on every backend. The same rule as the MongoDB adapter's
    /// <c>JsonBson</c>: an integral literal that fits 64 bits is an integer, a decimal literal a double would change
    /// keeps its digits (Decimal128), anything else is a double; PostgreSQL jsonb keeps the literal text, which this
    /// rule classifies the same way, so a document reads back with the same canonical numbers from either side.
    /// </summary>
    public static Kind Classify(JsonElement number)
    {
        if (number.TryGetInt64(out _)) return Kind.Integer;
        var raw = number.GetRawText();
        var isExponent = raw.AsSpan().IndexOfAny('e', 'E') >= 0;
        if (!isExponent && number.TryGetDecimal(out var m) && (decimal)number.GetDouble() != m) return Kind.Decimal;
        return Kind.Double;
    }
}
