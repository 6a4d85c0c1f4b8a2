using System.Text.Json;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// Stores every member under its snake_case name (<c>InvestigationId</c> → <c>investigation_id</c>,
/// <c>DetectionWindow.From</c> → <c>from</c>), the same policy as the JSON wire format.
/// </summary>
public sealed class SnakeCaseElementNameConvention : ConventionBase, IMemberMapConvention
{
    public void Apply(BsonMemberMap memberMap)
        => memberMap.SetElementName(JsonNamingPolicy.SnakeCaseLower.ConvertName(memberMap.MemberName));
}
