using MongoDB.Bson;
using Olorin.Persistence.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>
/// Review #17: a free-form object another tool wrote with BSON types JSON has no literal for is read as relaxed
/// Extended JSON (https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/), not a failed read (500).
/// </summary>
public sealed class ForeignBsonTypesTests
{
    [Fact]
    public void Binary_regex_javascript_and_keys_read_as_extended_json()
    {
        var stored = new BsonDocument
        {
            { "bin", new BsonBinaryData([1, 2, 3]) },
            { "re", new BsonRegularExpression("^a", "i") },
            { "js", new BsonJavaScript("x => x") },
            { "min", BsonMinKey.Value },
            { "max", BsonMaxKey.Value },
            { "nan", new BsonDecimal128(Decimal128.QNaN) },
            { "huge", new BsonDecimal128(Decimal128.Parse("1E+40")) },
            { "plain", new BsonDecimal128(12.5m) },
        };

        var json = JsonBson.ToJsonObject(stored);

        Assert.Equal("AQID", (string?)json["bin"]!["$binary"]!["base64"]);
        Assert.Equal("^a", (string?)json["re"]!["$regularExpression"]!["pattern"]);
        Assert.Equal("x => x", (string?)json["js"]!["$code"]);
        Assert.Equal(1, (int?)json["min"]!["$minKey"]);
        Assert.Equal(1, (int?)json["max"]!["$maxKey"]);
        Assert.Equal("NaN", (string?)json["nan"]!["$numberDecimal"]);
        Assert.Equal("1E+40", (string?)json["huge"]!["$numberDecimal"]);
        Assert.Equal(12.5m, (decimal?)json["plain"]);
    }
}
