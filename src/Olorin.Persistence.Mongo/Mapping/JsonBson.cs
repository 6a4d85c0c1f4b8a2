using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// Converts free-form JSON (<see cref="JsonNode"/>) to BSON and back, keeping the number kind where BSON has one:
/// an integral JSON number becomes Int32 or Int64, a fractional one Double (Decimal128 when a double would lose
/// digits of a decimal value), and they read back as <see cref="int"/>, <see cref="long"/>, <see cref="double"/>
/// and <see cref="decimal"/>.
/// </summary>
public static class JsonBson
{
    public static BsonDocument ToBsonDocument(JsonObject json)
    {
        var document = new BsonDocument();
        foreach (var (name, node) in json) document.Add(name, ToBsonValue(node));
        return document;
    }

    public static BsonValue ToBsonValue(JsonNode? node) => node switch
    {
        null => BsonNull.Value,
        JsonObject obj => ToBsonDocument(obj),
        JsonArray array => new BsonArray(array.Select(ToBsonValue)),
        JsonValue value => ToBsonValue(value),
        _ => throw new FormatException($"Unsupported JSON node {node.GetType().Name}."),
    };

    public static JsonObject ToJsonObject(BsonDocument document)
    {
        var json = new JsonObject();
        foreach (var element in document) json.Add(element.Name, ToJsonNode(element.Value));
        return json;
    }

    public static JsonNode? ToJsonNode(BsonValue value) => value.BsonType switch
    {
        BsonType.Null or BsonType.Undefined => null,
        BsonType.Document => ToJsonObject(value.AsBsonDocument),
        BsonType.Array => new JsonArray([.. value.AsBsonArray.Select(ToJsonNode)]),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.Int32 => JsonValue.Create(value.AsInt32),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Double => JsonValue.Create(value.AsDouble),
        BsonType.Decimal128 => ExtendedJson(value),
        BsonType.DateTime => JsonValue.Create(value.ToUniversalTime()),
        BsonType.ObjectId => JsonValue.Create(value.AsObjectId.ToString()),
        BsonType.Timestamp => JsonValue.Create(value.AsBsonTimestamp.Value),
        // Types other tools may have written (binary, regular expression, JavaScript, min/max key, …) and decimals
        // beyond .NET's range are read as their relaxed Extended JSON (https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/),
        // e.g. {"$binary": {...}}, instead of failing the whole read.
        _ => ExtendedJson(value),
    };

    private static JsonNode? ExtendedJson(BsonValue value)
    {
        if (value.BsonType == BsonType.Decimal128 && !Decimal128.IsNaN(value.AsDecimal128) && !Decimal128.IsInfinity(value.AsDecimal128))
        {
            try
            {
                return JsonValue.Create(Decimal128.ToDecimal(value.AsDecimal128));
            }
            catch (OverflowException)
            {
                // Beyond decimal's range: the Extended JSON below keeps every digit.
            }
        }
        var wrapped = new BsonDocument("v", value).ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });
        return JsonNode.Parse(wrapped)!["v"]?.DeepClone();
    }

    private static bool TryDecimal(BsonValue value, out decimal exact)
    {
        exact = 0;
        var d = value.AsDecimal128;
        if (Decimal128.IsNaN(d) || Decimal128.IsInfinity(d)) return false;
        try
        {
            exact = Decimal128.ToDecimal(d);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static void WriteExtended(Utf8JsonWriter writer, BsonValue value)
    {
        if (ExtendedJson(value) is { } node) node.WriteTo(writer);
        else writer.WriteNullValue();
    }

    /// <summary>A member kept as sent (<see cref="Olorin.Core.Models.UnknownMembers"/>) as BSON, by the same rules.</summary>
    public static BsonValue ToBsonValue(JsonElement element) => FromElement(element);

    /// <summary>
    /// A BSON value as JSON text: Int32/Int64 as integers, a Double always with a fraction or an exponent (<c>5.0</c>
    /// stays a double on its way back to JSON and to the other backend), Decimal128 with its digits.
    /// </summary>
    public static JsonElement ToJsonElement(BsonValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, value);
        using var parsed = JsonDocument.Parse(buffer.WrittenMemory);
        return parsed.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Null or BsonType.Undefined: writer.WriteNullValue(); break;
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var element in value.AsBsonDocument)
                {
                    writer.WritePropertyName(element.Name);
                    Write(writer, element.Value);
                }
                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray) Write(writer, item);
                writer.WriteEndArray();
                break;
            case BsonType.String: writer.WriteStringValue(value.AsString); break;
            case BsonType.Boolean: writer.WriteBooleanValue(value.AsBoolean); break;
            case BsonType.Int32: writer.WriteNumberValue(value.AsInt32); break;
            case BsonType.Int64: writer.WriteNumberValue(value.AsInt64); break;
            case BsonType.Double when double.IsFinite(value.AsDouble):
                var text = value.AsDouble.ToString("R", CultureInfo.InvariantCulture);
                writer.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0", skipInputValidation: true);
                break;
            case BsonType.Double: writer.WriteStringValue(value.AsDouble.ToString(CultureInfo.InvariantCulture)); break;
            case BsonType.Decimal128 when TryDecimal(value, out var exact): writer.WriteRawValue(exact.ToString(CultureInfo.InvariantCulture)); break;
            case BsonType.Decimal128: WriteExtended(writer, value); break;
            case BsonType.DateTime: writer.WriteStringValue(value.ToUniversalTime()); break;
            case BsonType.ObjectId: writer.WriteStringValue(value.AsObjectId.ToString()); break;
            case BsonType.Timestamp: writer.WriteNumberValue(value.AsBsonTimestamp.Value); break;
            default: WriteExtended(writer, value); break; // as ToJsonNode: relaxed Extended JSON
        }
    }

    private static BsonValue ToBsonValue(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element)) return FromElement(element);
        if (value.TryGetValue<string>(out var s)) return new BsonString(s);
        if (value.TryGetValue<bool>(out var b)) return BsonBoolean.Create(b);
        if (value.TryGetValue<int>(out var i)) return new BsonInt32(i);
        if (value.TryGetValue<long>(out var l)) return new BsonInt64(l);
        if (value.TryGetValue<double>(out var d)) return new BsonDouble(d);
        if (value.TryGetValue<float>(out var f)) return new BsonDouble(f);
        if (value.TryGetValue<decimal>(out var m)) return new BsonDecimal128(m);
        if (value.TryGetValue<short>(out var sh)) return new BsonInt32(sh);
        if (value.TryGetValue<byte>(out var by)) return new BsonInt32(by);
        if (value.TryGetValue<uint>(out var ui)) return new BsonInt64(ui);
        if (value.TryGetValue<DateTime>(out var dt)) return new BsonDateTime(Olorin.Core.Serialization.UtcTime.Normalize(dt));
        if (value.TryGetValue<DateTimeOffset>(out var dto)) return new BsonDateTime(dto.UtcDateTime);
        if (value.TryGetValue<Guid>(out var g)) return new BsonString(g.ToString());
        // Anything else (a char, an enum, ...) is stored as the JSON it serializes to.
        return FromElement(JsonSerializer.SerializeToElement(value));
    }

    private static BsonValue FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => BsonNull.Value,
        JsonValueKind.String => new BsonString(element.GetString()),
        JsonValueKind.True => BsonBoolean.True,
        JsonValueKind.False => BsonBoolean.False,
        JsonValueKind.Number => FromNumber(element),
        JsonValueKind.Array => new BsonArray(element.EnumerateArray().Select(FromElement)),
        JsonValueKind.Object => new BsonDocument(element.EnumerateObject().Select(p => new BsonElement(p.Name, FromElement(p.Value)))),
        var other => throw new FormatException($"Unsupported JSON value kind {other}."),
    };

    private static BsonValue FromNumber(JsonElement number)
    {
        if (number.TryGetInt32(out var i)) return new BsonInt32(i);
        if (number.TryGetInt64(out var l)) return new BsonInt64(l);
        var d = number.GetDouble();
        // A decimal literal that a double cannot hold exactly (e.g. more than 15-17 significant digits) keeps its
        // digits as Decimal128; ordinary fractions and exponents are doubles.
        if (number.TryGetDecimal(out var m) && (decimal)d != m && !IsExponent(number)) return new BsonDecimal128(m);
        return new BsonDouble(d);
    }

    private static bool IsExponent(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny('e', 'E') >= 0;
}
